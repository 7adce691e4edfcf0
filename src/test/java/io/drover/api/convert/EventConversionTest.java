package io.drover.api.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import org.junit.jupiter.api.Test;

class EventConversionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void anEventsV1EventIsTheCoreEventUnderOtherNamesAndBack() throws Exception {
        ObjectNode events = json("""
                {'apiVersion':'events.k8s.io/v1','kind':'Event','metadata':{'name':'e','namespace':'default'},
                 'eventTime':'2026-01-01T00:00:00.000000Z','reportingController':'drover.io/x','reportingInstance':'x-1',
                 'action':'Pulling','reason':'Started','regarding':{'kind':'Pod','name':'p'},'related':{'kind':'Node','name':'n'},
                 'note':'hello','type':'Normal','series':{'count':2,'lastObservedTime':'2026-01-01T00:00:01.000000Z'},
                 'deprecatedSource':{'component':'kubelet'},'deprecatedFirstTimestamp':'2026-01-01T00:00:00Z',
                 'deprecatedLastTimestamp':'2026-01-01T00:00:01Z','deprecatedCount':3}""");

        ObjectNode core = EventConversion.toCore(events);

        assertThat(core.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(core.path("involvedObject").path("name").asText()).isEqualTo("p");
        assertThat(core.path("message").asText()).isEqualTo("hello");
        assertThat(core.path("reportingComponent").asText()).isEqualTo("drover.io/x");
        assertThat(core.path("source").path("component").asText()).isEqualTo("kubelet");
        assertThat(core.path("count").asInt()).isEqualTo(3);
        assertThat(core.path("firstTimestamp").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(core.path("series").path("count").asInt()).isEqualTo(2);
        assertThat(core.has("regarding") || core.has("note") || core.has("deprecatedCount")).isFalse();
        assertThat(EventConversion.toEvents(core)).isEqualTo(events);
        assertThat(events.path("apiVersion").asText()).as("input unchanged").isEqualTo("events.k8s.io/v1");
    }

    @Test
    void emptyReportingStringsAreLeftOutOfTheEventsV1Form() throws Exception {
        ObjectNode core = json("{'apiVersion':'v1','kind':'Event','reportingComponent':'','reportingInstance':'',"
                + "'source':{},'firstTimestamp':null,'eventTime':null}");
        assertThat(EventConversion.toEvents(core)).isEqualTo(json("{'apiVersion':'events.k8s.io/v1','kind':'Event',"
                + "'deprecatedSource':{},'deprecatedFirstTimestamp':null,'eventTime':null}"));
    }

    @Test
    void aMergePatchIsRenamedWithoutGainingAnApiVersion() throws Exception {
        ObjectNode patch = EventConversion.patchToCore(json("{'note':'new','series':{'count':4}}"));
        assertThat(patch).isEqualTo(json("{'message':'new','series':{'count':4}}"));
    }

    @Test
    void fieldSelectorsUseTheEventsLabelsAndNotTheCoreOnes() {
        assertThat(EventConversion.coreFieldSelector("regarding.name=p,reportingController!=x,type=Warning"))
                .isEqualTo("involvedObject.name=p,reportingComponent!=x,type=Warning");
        assertThat(EventConversion.coreFieldSelector(null)).isNull();
        assertThatThrownBy(() -> EventConversion.coreFieldSelector("involvedObject.name=p"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("field label not supported: involvedObject.name");
                });
        assertThatThrownBy(() -> EventConversion.coreFieldSelector("regarding.labels=p"))
                .isInstanceOf(ApiException.class);
    }
}
