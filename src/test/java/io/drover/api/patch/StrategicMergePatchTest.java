package io.drover.api.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class StrategicMergePatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PatchSchema DEPLOYMENT = PatchSchema.forKind("apps/v1", "Deployment");

    private static final String DEPLOYMENT_JSON = """
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"myapp","labels":{"app":"myapp","tier":"web"},"finalizers":["a","b"]},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"myapp"}},
              "template":{"metadata":{"labels":{"app":"myapp"}},
               "spec":{"containers":[
                 {"name":"web","image":"nginx:1.27",
                  "ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":443,"protocol":"TCP"}],
                  "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
                  "resources":{"limits":{"cpu":"500m"}}},
                 {"name":"sidecar","image":"busybox"}]}}}}""";

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode patch(String original, String patch, PatchSchema schema) {
        return StrategicMergePatch.apply(json(original), json(patch), schema);
    }

    private static JsonNode at(JsonNode node, String pointer) {
        return node.at(pointer);
    }

    @Test
    void setImageKeepsTheContainersOtherFieldsAndTheOtherContainers() {
        JsonNode result = patch(DEPLOYMENT_JSON, """
                {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],
                 "containers":[{"image":"nginx:1.28","name":"web"}]}}}}""", DEPLOYMENT);

        JsonNode containers = at(result, "/spec/template/spec/containers");
        assertThat(containers).hasSize(2);
        assertThat(containers.get(0).get("name").asText()).isEqualTo("web");
        assertThat(containers.get(0).get("image").asText()).isEqualTo("nginx:1.28");
        assertThat(containers.get(0).get("ports")).hasSize(2);
        assertThat(containers.get(0).get("env")).hasSize(2);
        assertThat(at(containers.get(0), "/resources/limits/cpu").asText()).isEqualTo("500m");
        assertThat(containers.get(1)).isEqualTo(json("{\"name\":\"sidecar\",\"image\":\"busybox\"}"));
        assertThat(result.toString()).doesNotContain("$setElementOrder");
    }

    @Test
    void rolloutRestartAddsATemplateAnnotation() {
        JsonNode result = patch(DEPLOYMENT_JSON, """
                {"spec":{"template":{"metadata":{"annotations":
                 {"kubectl.kubernetes.io/restartedAt":"2025-01-01T00:00:00Z"}}}}}""", DEPLOYMENT);

        assertThat(at(result, "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt").asText())
                .isEqualTo("2025-01-01T00:00:00Z");
        assertThat(at(result, "/spec/template/metadata/labels/app").asText()).isEqualTo("myapp");
        assertThat(at(result, "/spec/template/spec/containers")).hasSize(2);
    }

    @Test
    void setEnvMergesByNameAndDeletesWithPatchDelete() {
        JsonNode result = patch(DEPLOYMENT_JSON, """
                {"spec":{"template":{"spec":{"containers":[{"name":"web","env":[
                 {"name":"B","value":"two"},{"name":"C","value":"3"},{"name":"A","$patch":"delete"}]}]}}}}""",
                DEPLOYMENT);

        JsonNode env = at(result, "/spec/template/spec/containers/0/env");
        assertThat(env).isEqualTo(json("[{\"name\":\"B\",\"value\":\"two\"},{\"name\":\"C\",\"value\":\"3\"}]"));
        assertThat(at(result, "/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx:1.27");
    }

    @Test
    void applyThreeWayPatchDeletesALabelAndAContainerPort() {
        // What kubectl apply computes when the manifest drops label tier and port 443 and changes the image.
        JsonNode result = patch(DEPLOYMENT_JSON, """
                {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"},
                  "labels":{"tier":null}},
                 "spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],
                  "containers":[{"$setElementOrder/ports":[{"containerPort":80}],"image":"nginx:1.28","name":"web",
                   "ports":[{"$patch":"delete","containerPort":443}]}]}}}}""", DEPLOYMENT);

        assertThat(at(result, "/metadata/labels")).isEqualTo(json("{\"app\":\"myapp\"}"));
        assertThat(at(result, "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration").asText())
                .isEqualTo("{}");
        JsonNode web = at(result, "/spec/template/spec/containers/0");
        assertThat(web.get("image").asText()).isEqualTo("nginx:1.28");
        assertThat(web.get("ports")).isEqualTo(json("[{\"containerPort\":80,\"protocol\":\"TCP\"}]"));
        assertThat(at(result, "/spec/template/spec/containers/1/name").asText()).isEqualTo("sidecar");
        assertThat(result.toString()).doesNotContain("$setElementOrder").doesNotContain("$patch");
    }

    @Test
    void setElementOrderReordersAndKeepsServerOnlyItemsAmongTheirNeighbours() {
        // apimachinery patch_test.go "set elements order in a list with server-only items 3".
        PatchSchema schema = PatchSchema.builder().mergeByKey("mergingList", "name").build();
        JsonNode result = patch("""
                {"mergingList":[{"name":1,"other":"a"},{"name":2,"value":2},{"name":7},{"name":9},{"name":8},
                 {"name":3,"value":3},{"name":4,"value":4}]}""",
                "{\"$setElementOrder/mergingList\":[{\"name\":2},{\"name\":1},{\"name\":4},{\"name\":3}]}",
                schema);

        assertThat(result.get("mergingList").findValuesAsText("name"))
                .containsExactly("2", "1", "7", "9", "8", "4", "3");
        assertThat(result.get("mergingList").get(1)).isEqualTo(json("{\"name\":1,\"other\":\"a\"}"));
    }

    @Test
    void setElementOrderPlacesAddedItems() {
        PatchSchema schema = PatchSchema.builder().mergeByKey("mergingList", "name").build();
        JsonNode result = patch("{\"mergingList\":[{\"name\":1,\"other\":\"a\"},{\"name\":2,\"value\":2}]}", """
                {"$setElementOrder/mergingList":[{"name":4},{"name":1},{"name":2},{"name":3}],
                 "mergingList":[{"name":4,"value":4},{"name":3,"value":3}]}""", schema);

        assertThat(result.get("mergingList").findValuesAsText("name")).containsExactly("4", "1", "2", "3");
    }

    @Test
    void newElementWithoutSetElementOrderGoesBeforeTheUntouchedOnesAsInKubernetes() {
        JsonNode result = patch(DEPLOYMENT_JSON,
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"log\",\"image\":\"fluent\"}]}}}}",
                DEPLOYMENT);

        JsonNode containers = at(result, "/spec/template/spec/containers");
        assertThat(containers).extracting(c -> c.get("name").asText()).containsExactly("log", "web", "sidecar");
    }

    @Test
    void retainKeysDropsTheUnlistedKeys() {
        JsonNode result = patch("""
                {"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}""", """
                {"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":null}}}""",
                DEPLOYMENT);

        assertThat(at(result, "/spec/strategy")).isEqualTo(json("{\"type\":\"Recreate\"}"));
    }

    @Test
    void retainKeysRejectsAPatchKeyItDoesNotList() {
        assertThatThrownBy(() -> patch("{\"spec\":{}}",
                "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"rollingUpdate\":{}}}}", DEPLOYMENT))
                .isInstanceOf(PatchException.class)
                .hasMessageContaining("rollingUpdate");
    }

    @Test
    void deleteFromPrimitiveListRemovesFinalizers() {
        JsonNode result = patch(DEPLOYMENT_JSON,
                "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"a\",\"zzz\"]}}", DEPLOYMENT);

        assertThat(at(result, "/metadata/finalizers")).isEqualTo(json("[\"b\"]"));
    }

    @Test
    void deleteFromPrimitiveListDoesNotCreateAMissingList() {
        JsonNode result = patch("{\"metadata\":{\"name\":\"x\"}}",
                "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"a\"]}}", DEPLOYMENT);

        assertThat(result).isEqualTo(json("{\"metadata\":{\"name\":\"x\"}}"));
    }

    @Test
    void finalizersAreASetUnion() {
        JsonNode result = patch(DEPLOYMENT_JSON, "{\"metadata\":{\"finalizers\":[\"b\",\"c\"]}}", DEPLOYMENT);

        assertThat(at(result, "/metadata/finalizers")).isEqualTo(json("[\"a\",\"b\",\"c\"]"));
    }

    @Test
    void servicePortsMergeByPort() {
        JsonNode result = patch("""
                {"spec":{"selector":{"app":"x"},"ports":[{"port":80,"targetPort":8080,"protocol":"TCP"},
                 {"port":443,"targetPort":8443,"protocol":"TCP"}]}}""", """
                {"spec":{"$setElementOrder/ports":[{"port":80},{"port":443},{"port":9090}],
                 "ports":[{"port":443,"targetPort":9443},{"port":9090,"name":"metrics"}]}}""",
                PatchSchema.forKind("v1", "Service"));

        assertThat(at(result, "/spec/ports")).isEqualTo(json("""
                [{"port":80,"targetPort":8080,"protocol":"TCP"},{"port":443,"targetPort":9443,"protocol":"TCP"},
                 {"port":9090,"name":"metrics"}]"""));
        assertThat(at(result, "/spec/selector/app").asText()).isEqualTo("x");
    }

    @Test
    void unknownKindReplacesLists() {
        PatchSchema schema = PatchSchema.forKind("example.com/v1", "Widget");
        JsonNode result = patch("{\"spec\":{\"items\":[{\"name\":\"a\",\"x\":1}],\"keep\":true}}",
                "{\"spec\":{\"items\":[{\"name\":\"a\",\"y\":2}]}}", schema);

        assertThat(result).isEqualTo(json("{\"spec\":{\"items\":[{\"name\":\"a\",\"y\":2}],\"keep\":true}}"));
    }

    @Test
    void tolerationsAreReplacedBecauseTheyAreAtomic() {
        JsonNode result = patch("{\"spec\":{\"tolerations\":[{\"key\":\"a\"}]}}",
                "{\"spec\":{\"tolerations\":[{\"key\":\"b\"}]}}", PatchSchema.forKind("v1", "Pod"));

        assertThat(at(result, "/spec/tolerations")).isEqualTo(json("[{\"key\":\"b\"}]"));
    }

    @Test
    void patchReplaceMarkerInAListReplacesIt() {
        JsonNode result = patch(DEPLOYMENT_JSON, """
                {"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"x"}]}}}}""",
                DEPLOYMENT);

        assertThat(at(result, "/spec/template/spec/containers"))
                .isEqualTo(json("[{\"name\":\"only\",\"image\":\"x\"}]"));
    }

    @Test
    void patchReplaceOnAMapReplacesIt() {
        JsonNode result = patch(DEPLOYMENT_JSON,
                "{\"metadata\":{\"labels\":{\"$patch\":\"replace\",\"new\":\"1\"}}}", DEPLOYMENT);

        assertThat(at(result, "/metadata/labels")).isEqualTo(json("{\"new\":\"1\"}"));
    }

    @Test
    void patchDeleteOnAMapFieldEmptiesItAsKubernetesDoes() {
        JsonNode result = patch(DEPLOYMENT_JSON, "{\"metadata\":{\"labels\":{\"$patch\":\"delete\"}}}", DEPLOYMENT);

        assertThat(at(result, "/metadata/labels")).isEqualTo(json("{}"));
    }

    @Test
    void nullDeletesAKeyAndIsNotCopiedIntoAddedValues() {
        JsonNode result = patch("{\"a\":1,\"b\":2}", "{\"a\":null,\"c\":{\"d\":null,\"e\":1}}", PatchSchema.none());

        assertThat(result).isEqualTo(json("{\"b\":2,\"c\":{\"e\":1}}"));
    }

    @Test
    void mergeListElementWithoutItsKeyIsAnError() {
        assertThatThrownBy(() -> patch(DEPLOYMENT_JSON,
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}}}", DEPLOYMENT))
                .isInstanceOf(PatchException.class)
                .hasMessageContaining("containers")
                .hasMessageContaining("name");
    }

    @Test
    void unknownPatchDirectiveIsAnError() {
        assertThatThrownBy(() -> patch("{}", "{\"metadata\":{\"$patch\":\"explode\"}}", DEPLOYMENT))
                .isInstanceOf(PatchException.class);
    }

    @Test
    void setElementOrderThatContradictsThePatchIsAnError() {
        assertThatThrownBy(() -> patch(DEPLOYMENT_JSON, """
                {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],
                 "containers":[{"name":"sidecar","image":"a"},{"name":"web","image":"b"}]}}}}""", DEPLOYMENT))
                .isInstanceOf(PatchException.class);
    }

    @Test
    void setElementOrderOnAReplacedListIsIgnored() {
        JsonNode result = patch("{\"spec\":{\"items\":[1,2]}}",
                "{\"spec\":{\"$setElementOrder/items\":[2,1],\"items\":[3]}}", PatchSchema.none());

        assertThat(result).isEqualTo(json("{\"spec\":{\"items\":[3]}}"));
    }

    @Test
    void inputsAreNotMutated() {
        JsonNode original = json(DEPLOYMENT_JSON);
        JsonNode patch = json("""
                {"metadata":{"labels":{"tier":null},"$deleteFromPrimitiveList/finalizers":["a"]},
                 "spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],
                  "containers":[{"name":"web","image":"nginx:1.28","env":[{"name":"A","$patch":"delete"}]}]}}}}""");
        JsonNode originalBefore = original.deepCopy();
        JsonNode patchBefore = patch.deepCopy();

        JsonNode result = StrategicMergePatch.apply(original, patch, DEPLOYMENT);

        assertThat(original).isEqualTo(originalBefore);
        assertThat(patch).isEqualTo(patchBefore);
        assertThat(at(result, "/spec/template/spec/containers/0/env")).hasSize(1);
    }

    @Test
    void nonObjectPatchIsAnError() {
        assertThatThrownBy(() -> patch("{}", "[1]", DEPLOYMENT)).isInstanceOf(PatchException.class);
    }
}
