package io.drover.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.scheduler.Taint;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How long a pod tolerates a node's NoExecute taints: GetMatchingTolerations, then getMinTolerationTime. */
class TaintEvictionControllerTest {
    private static final Taint UNREACHABLE = new Taint(ConditionTaints.UNREACHABLE, "", Taint.NO_EXECUTE);
    private static final Taint DEDICATED = new Taint("dedicated", "db", Taint.NO_EXECUTE);

    private static Pod pod(Toleration... tolerations) {
        return new PodBuilder().withNewSpec().withTolerations(tolerations).endSpec().build();
    }

    private static Toleration tolerating(String key, Long seconds) {
        return new TolerationBuilder().withKey(key).withOperator("Exists").withEffect("NoExecute")
                .withTolerationSeconds(seconds).build();
    }

    @Test
    void aTaintWithoutAMatchingTolerationMeansAtOnce() {
        assertThat(TaintEvictionController.tolerationTime(pod(), List.of(DEDICATED))).contains(Duration.ZERO);
        assertThat(TaintEvictionController.tolerationTime(pod(tolerating("dedicated", null)),
                List.of(DEDICATED, UNREACHABLE))).contains(Duration.ZERO);
    }

    @Test
    void noTaintsOrNoSecondsMeansForEver() {
        assertThat(TaintEvictionController.tolerationTime(pod(), List.of())).isEmpty();
        assertThat(TaintEvictionController.tolerationTime(pod(tolerating("dedicated", null)), List.of(DEDICATED)))
                .isEmpty();
    }

    @Test
    void theLeastSecondsOfTheTolerationsUsedCount() {
        assertThat(TaintEvictionController.tolerationTime(pod(tolerating("dedicated", 20L),
                tolerating(ConditionTaints.UNREACHABLE, 300L)), List.of(DEDICATED, UNREACHABLE)))
                .contains(Duration.ofSeconds(20));
        assertThat(TaintEvictionController.tolerationTime(pod(tolerating("dedicated", null),
                tolerating(ConditionTaints.UNREACHABLE, 300L)), List.of(DEDICATED, UNREACHABLE)))
                .contains(Duration.ofSeconds(300));
        assertThat(TaintEvictionController.tolerationTime(pod(tolerating("dedicated", -1L)), List.of(DEDICATED)))
                .contains(Duration.ZERO);
    }

    /** Only the first toleration matching each taint is used, as kube's GetMatchingTolerations breaks there. */
    @Test
    void onlyTheFirstMatchingTolerationOfATaintIsUsed() {
        Toleration everything = new TolerationBuilder().withOperator("Exists").build();
        assertThat(TaintEvictionController.tolerationTime(pod(tolerating(ConditionTaints.UNREACHABLE, 5L),
                everything), List.of(UNREACHABLE))).contains(Duration.ofSeconds(5));
        assertThat(TaintEvictionController.tolerationTime(pod(tolerating(ConditionTaints.UNREACHABLE, 600L),
                tolerating(ConditionTaints.UNREACHABLE, 60L)), List.of(UNREACHABLE)))
                .isEqualTo(Optional.of(Duration.ofSeconds(600)));
    }
}
