package io.drover.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.testing.MutableClock;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Repeats, similar Events and floods as client-go's EventCorrelator handles them. */
class EventRecorderIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    private static String newNamespace() {
        return CLUSTER.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withGenerateName("events-")
                .endMetadata().build()).create().getMetadata().getName();
    }

    private static List<Event> events(String ns) {
        return CLUSTER.client().v1().events().inNamespace(ns).list().getItems().stream()
                .sorted(Comparator.comparing(Event::getMessage)).toList();
    }

    @Test
    void aRepeatIsCountedOnTheEventWrittenFirst() {
        String ns = newNamespace();
        ConfigMap about = CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("about").endMetadata().build()).create();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        EventRecorder recorder = new EventRecorder(CLUSTER.client(), "test-controller", null, clock);

        recorder.warning(about, "BackOff", "Back-off restarting failed container");
        clock.advance(Duration.ofSeconds(10));
        recorder.warning(about, "BackOff", "Back-off restarting failed container");
        clock.advance(Duration.ofSeconds(20));
        recorder.warning(about, "BackOff", "Back-off restarting failed container");
        recorder.normal(about, "Started", "Started container c");

        List<Event> events = events(ns);
        assertThat(events).hasSize(2);
        Event backOff = events.get(0);
        assertThat(backOff.getCount()).isEqualTo(3);
        assertThat(backOff.getFirstTimestamp()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(backOff.getLastTimestamp()).isEqualTo("2026-12-01T10:00:30Z");
        assertThat(events.get(1).getCount()).isEqualTo(1);

        // An Event gone (expired, deleted) is written anew under its name with the count so far.
        CLUSTER.client().v1().events().inNamespace(ns).withName(backOff.getMetadata().getName()).delete();
        clock.advance(Duration.ofSeconds(5));
        recorder.warning(about, "BackOff", "Back-off restarting failed container");

        Event again = events(ns).get(0);
        assertThat(again.getMetadata().getName()).isEqualTo(backOff.getMetadata().getName());
        assertThat(again.getCount()).isEqualTo(4);
        assertThat(again.getLastTimestamp()).isEqualTo("2026-12-01T10:00:35Z");
    }

    @Test
    void theTenthDistinctMessageOfAReasonIsCombinedWithTheRest() {
        String ns = newNamespace();
        ConfigMap about = CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("rs").endMetadata().build()).create();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        EventRecorder recorder = new EventRecorder(CLUSTER.client(), "test-controller", null, clock);

        for (int i = 1; i <= 12; i++) {
            recorder.normal(about, "SuccessfulCreate", "Created pod: web-" + i);
            clock.advance(Duration.ofSeconds(1));
        }

        List<Event> events = events(ns);
        assertThat(events).hasSize(10);
        Event combined = events.get(0);
        assertThat(combined.getMessage()).isEqualTo("(combined from similar events): Created pod: web-12");
        assertThat(combined.getCount()).isEqualTo(3);
        assertThat(events.subList(1, 10)).extracting(Event::getCount).containsOnly(1);

        // Ten minutes without one: the next message stands on its own again.
        clock.advance(Duration.ofMinutes(11));
        recorder.normal(about, "SuccessfulCreate", "Created pod: web-13");
        assertThat(events(ns)).extracting(Event::getMessage).contains("Created pod: web-13");
    }

    @Test
    void aSourceWritesTwentyFiveEventsAboutAnObjectThenOneEveryFiveMinutes() {
        String ns = newNamespace();
        ConfigMap about = CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("flapping").endMetadata().build()).create();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        EventRecorder recorder = new EventRecorder(CLUSTER.client(), "test-controller", null, clock);

        for (int i = 0; i < 40; i++) {
            recorder.warning(about, "Unhealthy", "Readiness probe failed");
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(events(ns)).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(25));

        // The repeats the filter dropped are counted all the same (client-go counts before it filters): the next
        // write carries the total.
        clock.advance(Duration.ofMinutes(5));
        recorder.warning(about, "Unhealthy", "Readiness probe failed");
        recorder.warning(about, "Unhealthy", "Readiness probe failed");
        assertThat(events(ns)).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(41));
        // Another source, or another object, has buckets of its own.
        new EventRecorder(CLUSTER.client(), "other-controller", null, clock).warning(about, "Unhealthy", "x");
        assertThat(events(ns)).hasSize(2);
    }
}
