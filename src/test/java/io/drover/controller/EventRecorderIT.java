package io.drover.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.drover.testing.MutableClock;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Repeats, similar Events and floods as client-go's EventCorrelator handles them. */
class EventRecorderIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    private static String newNamespace() {
        return CLUSTER.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withGenerateName("events-")
                .endMetadata().build()).create().getMetadata().getName();
    }

    /** What the events are about. */
    private static ConfigMap configMap(String ns, String name) {
        return CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
                .withNewMetadata().withName(name).endMetadata().build()).create();
    }

    private static List<Event> events(String ns) {
        return CLUSTER.client().v1().events().inNamespace(ns).list().getItems().stream()
                .sorted(Comparator.comparing(Event::getMessage)).toList();
    }

    @Test
    void aRepeatIsCountedOnTheEventWrittenFirst() {
        String ns = newNamespace();
        ConfigMap about = configMap(ns, "about");
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        EventRecorder recorder = new EventRecorder(CLUSTER.client(), "test-controller", null, clock);

        recorder.warning(about, "BackOff", "Back-off restarting failed container");
        clock.advance(Duration.ofSeconds(10));
        recorder.warning(about, "BackOff", "Back-off restarting failed container");
        clock.advance(Duration.ofSeconds(20));
        recorder.warning(about, "BackOff", "Back-off restarting failed container");
        recorder.normal(about, "Started", "Started container c");

        // Written off the recording thread, in order: the last write's effect means the others are done.
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(ns)).hasSize(2)
                .first().satisfies(e -> assertThat(e.getCount()).isEqualTo(3)));
        List<Event> events = events(ns);
        Event backOff = events.get(0);
        assertThat(backOff.getFirstTimestamp()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(backOff.getLastTimestamp()).isEqualTo("2026-12-01T10:00:30Z");
        assertThat(events.get(1).getCount()).isEqualTo(1);

        // An Event gone (expired, deleted) is written anew under its name with the count so far.
        CLUSTER.client().v1().events().inNamespace(ns).withName(backOff.getMetadata().getName()).delete();
        clock.advance(Duration.ofSeconds(5));
        recorder.warning(about, "BackOff", "Back-off restarting failed container");

        await().atMost(WAIT).untilAsserted(() -> assertThat(events(ns)).hasSize(2));
        Event again = events(ns).get(0);
        assertThat(again.getMetadata().getName()).isEqualTo(backOff.getMetadata().getName());
        assertThat(again.getCount()).isEqualTo(4);
        assertThat(again.getLastTimestamp()).isEqualTo("2026-12-01T10:00:35Z");
    }

    @Test
    void theTenthDistinctMessageOfAReasonIsCombinedWithTheRest() {
        String ns = newNamespace();
        ConfigMap about = configMap(ns, "rs");
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        EventRecorder recorder = new EventRecorder(CLUSTER.client(), "test-controller", null, clock);

        for (int i = 1; i <= 12; i++) {
            recorder.normal(about, "SuccessfulCreate", "Created pod: web-" + i);
            clock.advance(Duration.ofSeconds(1));
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(events(ns)).hasSize(10)
                .first().satisfies(e -> assertThat(e.getCount()).isEqualTo(3)));
        List<Event> events = events(ns);
        Event combined = events.get(0);
        assertThat(combined.getMessage()).isEqualTo("(combined from similar events): Created pod: web-12");
        assertThat(combined.getCount()).isEqualTo(3);
        assertThat(events.subList(1, 10)).extracting(Event::getCount).containsOnly(1);

        // Ten minutes without one: the next message stands on its own again.
        clock.advance(Duration.ofMinutes(11));
        recorder.normal(about, "SuccessfulCreate", "Created pod: web-13");
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(ns)).extracting(Event::getMessage)
                .contains("Created pod: web-13"));
    }

    @Test
    void aSourceWritesTwentyFiveEventsAboutAnObjectThenOneEveryFiveMinutes() {
        String ns = newNamespace();
        ConfigMap about = configMap(ns, "flapping");
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        EventRecorder recorder = new EventRecorder(CLUSTER.client(), "test-controller", null, clock);

        for (int i = 0; i < 40; i++) {
            recorder.warning(about, "Unhealthy", "Readiness probe failed");
            clock.advance(Duration.ofSeconds(1));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(ns)).singleElement()
                .satisfies(e -> assertThat(e.getCount()).isEqualTo(25)));

        // The repeats the filter dropped are counted all the same (client-go counts before it filters): the next
        // write carries the total.
        clock.advance(Duration.ofMinutes(5));
        recorder.warning(about, "Unhealthy", "Readiness probe failed");
        recorder.warning(about, "Unhealthy", "Readiness probe failed");
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(ns)).singleElement()
                .satisfies(e -> assertThat(e.getCount()).isEqualTo(41)));
        // Another source, or another object, has buckets of its own.
        new EventRecorder(CLUSTER.client(), "other-controller", null, clock).warning(about, "Unhealthy", "x");
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(ns)).hasSize(2));
    }

    /**
     * Recording never waits for the API, as client-go's broadcaster writes off the caller's thread: an API that does
     * not answer (a store that is away) held the service proxy's sync for the store's timeout on one event.
     */
    @Test
    void recordingDoesNotWaitForAnApiThatDoesNotAnswer() throws Exception {
        try (ServerSocket silent = new ServerSocket(0);
                KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + silent.getLocalPort()).withRequestTimeout(60_000)
                        .withRequestRetryBackoffLimit(0).build()).build()) {
            EventRecorder recorder = new EventRecorder(client, "test-controller", null, Clock.systemUTC());
            EventsV1Recorder v1 = new EventsV1Recorder(client, "test-scheduler", Clock.systemUTC());
            ConfigMap about = new ConfigMapBuilder().withNewMetadata().withName("x").withNamespace("default")
                    .endMetadata().build();

            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                for (int i = 0; i < 3; i++) {
                    recorder.warning(about, "Failed", "failed " + i);
                    v1.warning(about, "Failed", "Doing", "failed " + i);
                }
            });
        }
    }

    /** client-go's generateEvent: the reportingInstance is the source's host, "" for kube-controller-manager's. */
    @Test
    void theReportingInstanceIsTheHostAndEmptyWithoutOne() {
        String ns = newNamespace();
        ConfigMap about = configMap(ns, "about");
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

        new EventRecorder(CLUSTER.client(), "deployment-controller", null, clock).normal(about, "A", "a");
        // Event names come from the clock (name.%x of its nanoseconds): one clock at one instant names both alike.
        clock.advance(java.time.Duration.ofSeconds(1));
        new EventRecorder(CLUSTER.client(), "kubelet", "node-1", clock).normal(about, "B", "b");

        await().atMost(WAIT).untilAsserted(() -> assertThat(events(ns)).hasSize(2));
        assertThat(events(ns)).extracting(e -> e.getSource().getComponent() + "/" + e.getSource().getHost() + " "
                + e.getReportingComponent() + "/" + e.getReportingInstance())
                .containsExactly("deployment-controller/null deployment-controller/", "kubelet/node-1 kubelet/node-1");
    }

    /** kube-scheduler's and kube-proxy's recorder (client-go tools/events), seen through core/v1. */
    @Test
    void anEventsV1RecorderNamesItsInstanceAndActionAndCountsRepeatsInASeries() {
        String ns = newNamespace();
        ConfigMap about = configMap(ns, "pod");
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00.123456789Z"));
        EventsV1Recorder recorder = new EventsV1Recorder(CLUSTER.client(), "default-scheduler", clock);

        recorder.warning(about, "FailedScheduling", "Scheduling", "0/1 nodes are available");
        await().atMost(WAIT).until(() -> !events(ns).isEmpty());
        Event first = events(ns).get(0);
        assertThat(first.getSource() == null ? null : first.getSource().getComponent()).isNull();
        assertThat(first.getReportingComponent()).isEqualTo("default-scheduler");
        assertThat(first.getReportingInstance()).isEqualTo("default-scheduler-" + EventsV1Recorder.hostName());
        assertThat(first.getAction()).isEqualTo("Scheduling");
        assertThat(first.getEventTime().getTime()).isEqualTo("2026-12-01T10:00:00.123456Z");
        assertThat(first.getFirstTimestamp()).isNull();
        assertThat(first.getCount()).isNull();
        assertThat(first.getSeries()).isNull();

        clock.advance(Duration.ofSeconds(30));
        recorder.warning(about, "FailedScheduling", "Scheduling", "0/1 nodes are available");
        clock.advance(Duration.ofSeconds(30));
        recorder.warning(about, "FailedScheduling", "Scheduling", "0/1 nodes are available");
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(ns)).singleElement()
                .satisfies(e -> assertThat(e.getSeries().getCount()).isEqualTo(3)));
        Event series = events(ns).get(0);
        assertThat(series.getMetadata().getName()).isEqualTo(first.getMetadata().getName());
        assertThat(series.getSeries().getCount()).isEqualTo(3);
        assertThat(series.getSeries().getLastObservedTime().getTime()).isEqualTo("2026-12-01T10:01:00.123456Z");

        // Nothing for longer than client-go's finishTime: the next one is a new Event.
        clock.advance(EventsV1Recorder.FINISH.plusSeconds(1));
        recorder.warning(about, "FailedScheduling", "Scheduling", "0/1 nodes are available");
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(ns)).hasSize(2));
    }
}
