package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * legacyValidateEvent: namespaces that agree, and what an event with an eventTime must name; through events.k8s.io/v1
 * the stricter rules of ValidateEventCreate and ValidateEventUpdate after them.
 */
class EventStrategyTest {
    private final EventStrategy strategy = new EventStrategy();

    private List<String> create(String event) {
        return Json.printed(strategy.validateCreate(Json.parse(event)));
    }

    private List<String> createThroughEventsV1(String event) throws Exception {
        return RequestVersion.during("events.k8s.io/v1", () -> create(event));
    }

    private List<String> updateThroughEventsV1(String oldEvent, String event) throws Exception {
        return RequestVersion.during("events.k8s.io/v1",
                () -> Json.printed(strategy.validateUpdate(Json.parse(oldEvent), Json.parse(event))));
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
                .contains("reportingController: Required value", "reportingInstance: Required value",
                        "action: Required value", "reason: Invalid value: \"\": can have at most 128 characters");
    }

    @Test
    void theReportingControllerIsNamedSoThroughCoreV1Too() {
        assertThat(create("{metadata: {name: 'e', namespace: 'team'}, eventTime: '2026-01-01T00:00:00.000000Z',"
                + " involvedObject: {kind: 'Pod', namespace: 'team'}, reportingComponent: 'not a name!',"
                + " reportingInstance: 'vm', action: 'Binding', reason: 'Scheduled'}"))
                .singleElement().asString().startsWith("reportingController: Invalid value: \"not a name!\": name part");
    }

    @Test
    void aCreateThroughEventsV1IsHeldToTheLegacyRulesThenItsOwn() throws Exception {
        String good = "{metadata: {name: 'e', namespace: 'team'}, eventTime: '2026-01-01T00:00:00.000000Z',"
                + " involvedObject: {kind: 'Pod', namespace: 'team'}, reportingComponent: 'drover.io/scheduler',"
                + " reportingInstance: 'vm', action: 'Binding', reason: 'Scheduled', type: 'Normal'}";
        assertThat(createThroughEventsV1(good)).isEmpty();
        assertThat(create(good.replace("type: 'Normal'", "type: 'Info', count: 3"))).as("core/v1 has no such rules")
                .isEmpty();

        assertThat(createThroughEventsV1("{metadata: {name: 'e', namespace: 'team'}, type: 'Info',"
                + " involvedObject: {kind: 'Pod', namespace: 'other'}, series: {count: 1},"
                + " firstTimestamp: '2026-01-01T00:00:00Z', count: 3, source: {component: 'old'}}"))
                .containsExactly("involvedObject.namespace: Invalid value: \"other\": does not match event.namespace",
                        "series.count: Invalid value: \"\": should be at least 2",
                        "series.lastObservedTime: Required value", "eventTime: Required value",
                        "type: Invalid value: \"\": has invalid value: Info",
                        "firstTimestamp: Invalid value: \"\": needs to be unset",
                        "count: Invalid value: \"\": needs to be unset",
                        "source: Invalid value: \"\": needs to be unset");
        // An empty source, a zero count and null times are Go's zero values: unset.
        assertThat(createThroughEventsV1(good.replace("type:", "source: {}, count: 0, lastTimestamp: null, type:")))
                .isEmpty();
    }

    @Test
    void anUpdateThroughEventsV1ChecksAChangedSeriesBeforeWhatIsImmutable() throws Exception {
        String event = "{metadata: {name: 'e', namespace: 'team'}, eventTime: '2026-01-01T00:00:00.000000Z',"
                + " involvedObject: {kind: 'Pod', namespace: 'team'}, reportingComponent: 'drover.io/scheduler',"
                + " reportingInstance: 'vm', action: 'Binding', reason: 'Scheduled', type: 'Normal'%s}";
        String series = event.formatted(", series: {count: 2, lastObservedTime: '2026-01-01T00:00:01.000000Z'}");

        assertThat(updateThroughEventsV1(event.formatted(""), series)).isEmpty();
        assertThat(updateThroughEventsV1(series, event.formatted(", series: {count: 1}").replace("'vm'", "'vm-2'")))
                .containsExactly("series.count: Invalid value: \"\": should be at least 2",
                        "series.lastObservedTime: Required value",
                        "reportingInstance: Invalid value: \"vm-2\": field is immutable");
        assertThat(updateThroughEventsV1(series, series.replace("drover.io/scheduler", "other")))
                .containsExactly("reportingController: Invalid value: \"other\": field is immutable");
        // An unchanged series is not checked again (the same instant, written otherwise, is the same).
        String badSeries = event.formatted(", series: {count: 1, lastObservedTime: '2026-01-01T00:00:01.000000Z'}");
        assertThat(updateThroughEventsV1(badSeries, badSeries.replace("01.000000Z", "01Z"))).isEmpty();
    }

    @Test
    void anEventHasTheFieldsGoAlwaysWritesAsTheirZeroValues() {
        com.fasterxml.jackson.databind.node.ObjectNode event = Json.parse("{metadata: {name: 'e'}, reason: 'R',"
                + " firstTimestamp: '2026-01-01T00:00:00Z', reportingInstance: 'vm'}");
        strategy.applyDefaults(event);
        assertThat(event).isEqualTo(Json.parse("{metadata: {name: 'e'}, reason: 'R',"
                + " firstTimestamp: '2026-01-01T00:00:00Z', reportingInstance: 'vm', reportingComponent: '',"
                + " involvedObject: {}, source: {}, lastTimestamp: null, eventTime: null}"));
    }
}
