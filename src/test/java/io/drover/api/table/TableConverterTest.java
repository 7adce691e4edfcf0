package io.drover.api.table;

import static io.drover.api.table.Tables.NOW;
import static io.drover.api.table.Tables.ago;
import static io.drover.api.table.Tables.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class TableConverterTest {

    private final TableConverter converter = new TableConverter();

    private static ObjectNode deploymentList() {
        return json("""
                {"kind": "DeploymentList", "apiVersion": "apps/v1",
                 "metadata": {"resourceVersion": "118", "continue": "abc"},
                 "items": [
                   {"metadata": {"name": "a", "namespace": "default", "labels": {"app": "a"},
                      "creationTimestamp": "%s", "resourceVersion": "100"},
                    "spec": {"replicas": 2}, "status": {"readyReplicas": 2}},
                   {"metadata": {"name": "b", "namespace": "prod", "creationTimestamp": "%s"},
                    "spec": {"replicas": 1}}]}""".formatted(ago(300), ago(60)));
    }

    private ObjectNode row(int item, boolean includeObject) {
        TableOptions options = includeObject ? new TableOptions("v1", TableOptions.IncludeObject.OBJECT) : TableOptions.DEFAULT;
        return converter.row("apps", "Deployment", "apps/v1", deploymentList().at("/items/" + item), options, NOW);
    }

    @Test
    void tableHeadHasTheKindsColumns() {
        ObjectNode head = converter.tableHead("apps", "Deployment", TableOptions.DEFAULT);

        assertThat(head.path("kind").asText()).isEqualTo("Table");
        assertThat(head.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(head.at("/columnDefinitions/0").toString()).startsWith(
                "{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\",\"description\":");
        assertThat(head.at("/columnDefinitions/0/priority").isInt()).isTrue();
        assertThat(head.at("/columnDefinitions/6/priority").asInt()).isEqualTo(1);
        assertThat(converter.tableHead("", "Pod", TableOptions.DEFAULT).path("columnDefinitions")).hasSize(9);
    }

    @Test
    void rowHasOneCellPerColumn() {
        assertThat(row(0, false).path("cells").toString()).isEqualTo("[\"a\",\"2/2\",0,0,\"5m\",\"\",\"\",\"\"]");
        assertThat(row(1, false).at("/cells/1").asText()).isEqualTo("0/1");
    }

    @Test
    void rowsCarryPartialObjectMetadataByDefault() {
        assertThat(row(0, false).at("/object/kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(row(0, false).at("/object/apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(row(0, false).at("/object/metadata")).isEqualTo(deploymentList().at("/items/0/metadata"));
        assertThat(row(0, false).at("/object/spec").isMissingNode()).isTrue();
        assertThat(row(1, false).at("/object/metadata/namespace").asText()).isEqualTo("prod");
    }

    @Test
    void includeObjectEmbedsTheWholeObjectWithItsKind() {
        assertThat(row(0, true).at("/object/kind").asText()).isEqualTo("Deployment");
        assertThat(row(0, true).at("/object/apiVersion").asText()).isEqualTo("apps/v1");
        assertThat(row(0, true).at("/object/spec/replicas").asInt()).isEqualTo(2);
    }

    @Test
    void inputIsNotModified() {
        ObjectNode list = deploymentList();
        converter.row("apps", "Deployment", "apps/v1", list.at("/items/0"),
                new TableOptions("v1", TableOptions.IncludeObject.OBJECT), NOW);
        assertThat(list).isEqualTo(deploymentList());
    }

    @Test
    void singleObjectIsOneRowWithTheObjectsResourceVersion() {
        ObjectNode cm = json("""
                {"kind": "ConfigMap", "apiVersion": "v1",
                 "metadata": {"name": "c", "resourceVersion": "42", "creationTimestamp": "%s"}, "data": {"k": "v"}}"""
                .formatted(ago(5)));
        ObjectNode table = converter.fromObject("", "ConfigMap", cm, TableOptions.DEFAULT, NOW);

        assertThat(table.at("/metadata/resourceVersion").asText()).isEqualTo("42");
        assertThat(table.path("rows")).hasSize(1);
        assertThat(table.at("/rows/0/cells").toString()).isEqualTo("[\"c\",1,\"5s\"]");
        assertThat(table.at("/rows/0/object/metadata/name").asText()).isEqualTo("c");
    }

    @Test
    void partialObjectMetadataKeepsTheMetadataAlone() {
        ObjectNode partial = TableConverter.partialMetadata(json("{\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"v\"}}"));
        assertThat(partial.path("kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(partial.path("metadata").path("name").asText()).isEqualTo("a");
        assertThat(partial.has("data")).isFalse();
        assertThat(TableConverter.partialMetadata(json("{}"), "v1beta1").path("apiVersion").asText())
                .isEqualTo("meta.k8s.io/v1beta1");
    }

    @Test
    void includeObjectNoneLeavesTheRowsObjectNullAndV1beta1NamesItsVersion() {
        TableOptions none = new TableOptions("v1beta1", TableOptions.IncludeObject.NONE);
        ObjectNode row = converter.row("apps", "Deployment", "apps/v1", deploymentList().at("/items/0"), none, NOW);
        assertThat(row.path("object").isNull()).isTrue();
        assertThat(converter.tableHead("apps", "Deployment", none).path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1beta1");
        ObjectNode metadata = converter.row("apps", "Deployment", "apps/v1", deploymentList().at("/items/0"),
                new TableOptions("v1beta1", TableOptions.IncludeObject.METADATA), NOW);
        assertThat(metadata.at("/object/apiVersion").asText()).isEqualTo("meta.k8s.io/v1beta1");
    }

    @Test
    void includeObjectIsReadAsKubernetesSpellsIt() {
        assertThat(TableOptions.IncludeObject.parse(null)).isEqualTo(TableOptions.IncludeObject.METADATA);
        assertThat(TableOptions.IncludeObject.parse("")).isEqualTo(TableOptions.IncludeObject.METADATA);
        assertThat(TableOptions.IncludeObject.parse("None")).isEqualTo(TableOptions.IncludeObject.NONE);
        assertThat(TableOptions.IncludeObject.parse("Object")).isEqualTo(TableOptions.IncludeObject.OBJECT);
        assertThat(TableOptions.IncludeObject.parse("object")).isNull();
        assertThat(TableOptions.IncludeObject.parse("bogus")).isNull();
    }
}
