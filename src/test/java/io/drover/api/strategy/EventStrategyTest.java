package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** legacyValidateEvent: namespaces that agree, and what an event with an eventTime must name. */
class EventStrategyTest {
    private final EventStrategy strategy = new EventStrategy();

    private List<String> create(String event) {
        return Json.printed(strategy.validateCreate(Json.parse(event)));
    }

    @Test
    void anEventLivesInTheNamespaceOfWhatItIsAbout() {
        assertThat(create("{metadata: {name: 'e', namespace: 'team'}, involvedObject: {kind: 'Pod', namespace: 'team'}}"))
                .isEmpty();
        // A cluster-scoped object's events live in "default".
        assertThat(create("{metadata: {name: 'e', namespace: 'default'}, involvedObject: {kind: 'Node'}}")).isEmpty();
        assertThat(create("{metadata: {name: 'e', namespace: 'team'}, involvedObject: {kind: 'Pod', namespace: 'other'}}"))
                .containsExactly("involvedObject.namespace: Invalid value: \"other\": does not match event.namespace");
        assertThat(create("{metadata: {name: 'e', namespace: 'team'}, involvedObject: {kind: 'Node'}}"))
                .containsExactly("involvedObject.namespace: Invalid value: \"\": does not match event.namespace");
    }

    @Test
    void anEventWithAnEventTimeNamesItsReporterActionAndReason() {
        assertThat(create("{metadata: {name: 'e', namespace: 'team'}, eventTime: '2026-01-01T00:00:00.000000Z',"
                + " involvedObject: {kind: 'Pod', namespace: 'team'}, reportingComponent: 'drover.io/scheduler',"
                + " reportingInstance: 'vm', action: 'Binding', reason: 'Scheduled'}")).isEmpty();
        assertThat(create("{metadata: {name: 'e', namespace: 'team'}, eventTime: '2026-01-01T00:00:00.000000Z',"
                + " involvedObject: {kind: 'Pod', namespace: 'team'}, reason: '" + "r".repeat(129) + "'}"))
                .contains("reportingComponent: Required value", "reportingInstance: Required value",
                        "action: Required value", "reason: Invalid value: \"\": can have at most 128 characters");
    }
}
