package io.drover.agent;

import io.drover.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.drover.proxy.AppliedRevisionLease;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The drain's decisions against slices and proxy Leases held in memory, on a clock the test moves. */
class EndpointDrainTest {
    private static final Duration GRACE = Duration.ofSeconds(30);
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final List<EndpointSlice> slices = new ArrayList<>();
    private final List<Lease> leases = new ArrayList<>();
    private int sliceLists;
    private int backlog;
    /** How often the drain asked for its pod to be marked not ready. */
    private int unservingAsked;
    private final EndpointDrain drain = new EndpointDrain(new DrainSource() {
        @Override
        public List<EndpointSlice> slices(String namespace, Set<String> services) {
            sliceLists++;
            return slices.stream().filter(s -> services.isEmpty()
                    || services.contains(s.getMetadata().getLabels().get(DrainSource.SERVICE_NAME_LABEL))).toList();
        }

        @Override
        public List<Lease> proxyLeases() {
            return leases;
        }
    }, pod -> backlog, clock);

    @Test
    void aPodNoSliceListsIsStoppedAtOnceWithItsWholeGracePeriod() {
        slices.add(slice("other", 10, endpoint("other-uid", true, true, false)));
        Pod pod = pod("lonely-uid");

        assertThat(holdOff(pod, GRACE)).isNull();
        assertThat(sliceLists).isEqualTo(1);
        assertThat(drain.graceLeft(pod, GRACE)).isEqualTo(GRACE);
    }

    @Test
    void waitsWhileListedReadyThenUntilEveryLiveProxyAppliedTheRevisionThatDroppedIt() {
        slices.add(slice("web-a", 10, endpoint("a", true, true, false)));
        slices.add(slice("web-b", 11, endpoint("b", true, true, false)));
        leases.add(lease("node-1", 11, clock.instant()));
        leases.add(lease("node-2", 11, clock.instant()));
        leases.add(lease("dead-node", 1, clock.instant().minusSeconds(60))); // expired: not waited for
        Pod pod = pod("a");

        assertThat(holdOff(pod, GRACE)).isEqualTo(EndpointDrain.RECHECK);

        clock.advance(Duration.ofMillis(40));
        slices.set(0, slice("web-a", 12, endpoint("a", false, true, true)));
        assertThat(holdOff(pod, GRACE)).as("terminating but serving, b ready").isEqualTo(EndpointDrain.RECHECK);
        assertThat(unservingAsked).as("marked not ready, so no fallback sends it traffic").isEqualTo(1);
        slices.set(0, slice("web-a", 13, endpoint("a", false, false, true)));
        assertThat(holdOff(pod, GRACE)).as("node proxies still at 11").isEqualTo(EndpointDrain.RECHECK);

        leases.set(0, lease("node-1", 13, clock.instant()));
        assertThat(holdOff(pod, GRACE)).as("node-2 still at 11").isEqualTo(EndpointDrain.RECHECK);

        clock.advance(Duration.ofMillis(60));
        leases.set(1, lease("node-2", 15, clock.instant()));
        assertThat(holdOff(pod, GRACE)).isNull();
        assertThat(holdOff(pod, GRACE)).as("asked again: still over").isNull();
        assertThat(unservingAsked).isEqualTo(1);
        assertThat(drain.graceLeft(pod, GRACE)).isEqualTo(GRACE.minusMillis(100));
    }

    @Test
    void underChurnItWaitsForTheRevisionThatTookThePodOutNotForTheNewestOne() {
        slices.add(slice("web-a", 10, endpoint("a", false, false, true)));
        slices.add(slice("web-b", 11, endpoint("b", true, true, false)));
        leases.add(lease("node-1", 9, clock.instant()));
        Pod pod = pod("a");

        assertThat(holdOff(pod, GRACE)).as("out at 11, the proxy at 9").isEqualTo(EndpointDrain.RECHECK);
        // Other pods come and go: the slices' newest revision runs ahead of the proxy's acknowledgements.
        slices.set(1, slice("web-b", 20, endpoint("b", true, true, false)));
        leases.set(0, lease("node-1", 15, clock.instant()));
        assertThat(holdOff(pod, GRACE)).as("the proxy applied 11, where the pod was already out").isNull();
    }

    @Test
    void afterTheProxiesItWaitsForThePodToAcceptTheConnectionsTheyOpenedBefore() {
        backlog = 2;
        Pod pod = drainedFromTheProxies("a");
        int listed = sliceLists;
        clock.advance(Duration.ofMillis(50));
        backlog = 0;
        assertThat(holdOff(pod, GRACE)).isNull();
        assertThat(sliceLists).as("the proxies' part is not asked again").isEqualTo(listed);
        assertThat(drain.graceLeft(pod, GRACE)).isEqualTo(GRACE.minusMillis(50));
    }

    @Test
    void aPodThatNeverAcceptsIsStoppedWhenTheWaitIsUp() {
        backlog = 1;
        Pod pod = drainedFromTheProxies("a");
        clock.advance(EndpointDrain.MAX_WAIT.minusMillis(20));
        assertThat(holdOff(pod, GRACE)).as("the rest of the wait").isEqualTo(Duration.ofMillis(20));
        clock.advance(Duration.ofMillis(20));
        assertThat(holdOff(pod, GRACE)).isNull();
    }

    @Test
    void theLastServingEndpointKeepsItsTrafficUntilAnotherIsReady() {
        slices.add(slice("web-a", 20, endpoint("a", false, true, true)));
        slices.add(slice("web-b", 21, endpoint("b", false, false, false)));
        leases.add(lease("node-1", 25, clock.instant()));
        Pod pod = pod("a");

        assertThat(holdOff(pod, GRACE)).isEqualTo(EndpointDrain.RECHECK);

        assertThat(unservingAsked).as("the last serving pod keeps serving").isZero();

        slices.set(1, slice("web-b", 26, endpoint("b", true, true, false)));
        assertThat(holdOff(pod, GRACE)).as("b ready: a stops serving first").isEqualTo(EndpointDrain.RECHECK);
        assertThat(unservingAsked).isEqualTo(1);
        slices.set(0, slice("web-a", 27, endpoint("a", false, false, true)));
        assertThat(holdOff(pod, GRACE)).as("the proxy has not seen it").isEqualTo(EndpointDrain.RECHECK);
        leases.set(0, lease("node-1", 27, clock.instant()));
        assertThat(holdOff(pod, GRACE)).isNull();
    }

    @Test
    void aServiceThatHasOnlyThisPodKeepsItServingWhateverTheOthersHave() {
        // Service web has another ready pod; Service solo has only this one.
        slices.add(slice("web-a", 20, endpoint("a", false, true, true)));
        slices.add(slice("web-b", 21, endpoint("b", true, true, false)));
        slices.add(new EndpointSliceBuilder(slice("solo-a", 22, endpoint("a", false, true, true))).editMetadata()
                .addToLabels(DrainSource.SERVICE_NAME_LABEL, "solo").endMetadata().build());
        leases.add(lease("node-1", 22, clock.instant()));

        assertThat(holdOff(pod("a"), GRACE)).isEqualTo(EndpointDrain.RECHECK);
        assertThat(unservingAsked).as("solo still needs it").isZero();
    }

    @Test
    void aNotServingEndpointNeedsNoOtherReadyOne() {
        slices.add(slice("web-a", 20, endpoint("a", false, false, true)));
        leases.add(lease("node-1", 20, clock.instant()));

        assertThat(holdOff(pod("a"), GRACE)).isNull();
    }

    @Test
    void givesUpAfterFiveSecondsAndCountsTheWaitInTheGracePeriod() {
        slices.add(slice("web-a", 10, endpoint("a", true, true, false)));
        Pod pod = pod("a");

        assertThat(holdOff(pod, GRACE)).isEqualTo(EndpointDrain.RECHECK);
        clock.advance(Duration.ofMillis(4_980));
        assertThat(holdOff(pod, GRACE)).isEqualTo(Duration.ofMillis(20));
        clock.advance(Duration.ofMillis(20));
        assertThat(holdOff(pod, GRACE)).isNull();
        assertThat(drain.graceLeft(pod, GRACE)).isEqualTo(Duration.ofSeconds(25));
    }

    @Test
    void neverWaitsLongerThanAShortGracePeriodAndLeavesTheContainersTheKubeletMinimum() {
        slices.add(slice("web-a", 10, endpoint("a", true, true, false)));
        Pod pod = pod("a");
        Duration grace = Duration.ofSeconds(3);

        assertThat(holdOff(pod, grace)).isEqualTo(EndpointDrain.RECHECK);
        clock.advance(Duration.ofSeconds(3));
        assertThat(holdOff(pod, grace)).isNull();
        assertThat(drain.graceLeft(pod, grace)).isEqualTo(LifecycleHooks.MIN_STOP_GRACE);

        Pod quick = pod("b");
        slices.add(slice("web-b", 11, endpoint("b", true, true, false)));
        assertThat(holdOff(quick, Duration.ZERO)).as("grace 0: no wait").isNull();
        assertThat(drain.graceLeft(quick, Duration.ZERO)).isEqualTo(Duration.ZERO);
    }

    @Test
    void aServiceDeletedDuringTheWaitReleasesThePod() {
        slices.add(slice("web-a", 10, endpoint("a", true, true, false)));
        leases.add(lease("node-1", 5, clock.instant()));
        Pod pod = pod("a");

        assertThat(holdOff(pod, GRACE)).isEqualTo(EndpointDrain.RECHECK);
        slices.clear();
        assertThat(holdOff(pod, GRACE)).isNull();
    }

    private Duration holdOff(Pod pod, Duration grace) {
        return drain.holdOff(pod, grace, () -> {
            unservingAsked++;
            return true;
        });
    }

    /**
     * A pod listed ready next to another ready one, then dropped from its slice and every proxy
     * acknowledging that: asked in between and after, the drain holds it while {@link #backlog} is
     * not 0.
     */
    private Pod drainedFromTheProxies(String uid) {
        slices.add(slice("web-a", 10, endpoint(uid, true, true, false)));
        slices.add(slice("web-b", 11, endpoint("other", true, true, false)));
        leases.add(lease("node-1", 10, clock.instant()));
        Pod pod = pod(uid);
        assertThat(holdOff(pod, GRACE)).as("still listed ready").isEqualTo(EndpointDrain.RECHECK);
        slices.set(0, slice("web-a", 12, endpoint(uid, false, true, true)));
        assertThat(holdOff(pod, GRACE)).as("serving, to be marked not ready").isEqualTo(EndpointDrain.RECHECK);
        slices.set(0, slice("web-a", 13, endpoint(uid, false, false, true)));
        leases.set(0, lease("node-1", 13, clock.instant()));
        assertThat(holdOff(pod, GRACE)).as("out of every proxy, connections not accepted")
                .isEqualTo(EndpointDrain.RECHECK);
        return pod;
    }

    private static Pod pod(String uid) {
        return new PodBuilder().withNewMetadata().withNamespace("default").withName("pod-" + uid).withUid(uid)
                .endMetadata().build();
    }

    private static EndpointSlice slice(String name, long revision, io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName(name)
                .withResourceVersion(Long.toString(revision)).addToLabels(DrainSource.SERVICE_NAME_LABEL, "web")
                .endMetadata().withAddressType("IPv4").withEndpoints(e).build();
    }

    private static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint(String uid, boolean ready,
            boolean serving, boolean terminating) {
        return new io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder().withAddresses("10.0.0.1")
                .withNewConditions().withReady(ready).withServing(serving).withTerminating(terminating).endConditions()
                .withNewTargetRef().withKind("Pod").withUid(uid).endTargetRef().build();
    }

    private static Lease lease(String node, long applied, Instant renewed) {
        return new LeaseBuilder().withNewMetadata().withNamespace(AppliedRevisionLease.NAMESPACE)
                .withName(AppliedRevisionLease.name(node)).addToLabels(AppliedRevisionLease.LABEL, node)
                .addToAnnotations(AppliedRevisionLease.ANNOTATION, Long.toString(applied)).endMetadata()
                .withNewSpec().withHolderIdentity(node).withLeaseDurationSeconds(40)
                .withRenewTime(ZonedDateTime.ofInstant(renewed, ZoneOffset.UTC)).endSpec().build();
    }
}
