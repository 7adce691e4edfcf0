package io.drover.api.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.patch.PatchSchema;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ServerSideApplyTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00.250Z");
    private static final Instant T1 = Instant.parse("2025-01-01T00:01:00Z");
    private static final PatchSchema CONFIG_MAP = PatchSchema.forKind("v1", "ConfigMap");
    private static final PatchSchema DEPLOYMENT = PatchSchema.forKind("apps/v1", "Deployment");

    static ObjectNode json(String singleQuoted) {
        try {
            return (ObjectNode) MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(singleQuoted, e);
        }
    }

    private static ObjectNode configMap(String data) {
        return json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'cm','namespace':'default'},"
                + "'data':" + data + "}");
    }

    private static ObjectNode apply(ObjectNode live, ObjectNode config, String manager, boolean force,
            PatchSchema schema, Instant now) {
        ApplyResult result = ServerSideApply.apply(live, config, manager, force, schema, now);
        assertThat(result.conflicts()).isEmpty();
        return result.merged();
    }

    private static JsonNode entry(ObjectNode object, String manager, String operation) {
        for (JsonNode e : object.path("metadata").path("managedFields")) {
            if (e.path("manager").asText().equals(manager) && e.path("operation").asText().equals(operation)) {
                return e;
            }
        }
        return null;
    }

    @Test
    void anApplyOfFieldsItsStrategyResetsNeitherOwnsThemNorConflictsOnThem() {
        var deployments = io.drover.api.resource.ResourceRegistry.builtin().find("apps", "v1", "deployments")
                .orElseThrow();
        ObjectNode live = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web',"
                + "'namespace':'default','managedFields':[{'manager':'kube-controller-manager','operation':'Update',"
                + "'apiVersion':'apps/v1','subresource':'status','fieldsType':'FieldsV1',"
                + "'fieldsV1':{'f:status':{'f:replicas':{}}}}]},'spec':{'replicas':1},'status':{'replicas':1}}");
        ObjectNode config = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},"
                + "'spec':{'replicas':2},'status':{'replicas':5}}");

        ApplyResult result = ServerSideApply.apply(live, config, "kubectl", false, DEPLOYMENT, T1, "",
                ResetFields.of(deployments, ""));

        assertThat(result.conflicts()).isEmpty();
        assertThat(entry(result.merged(), "kubectl", "Apply").get("fieldsV1"))
                .isEqualTo(json("{'f:spec':{'f:replicas':{}}}"));
        assertThat(entry(result.merged(), "kube-controller-manager", "Update").get("fieldsV1"))
                .isEqualTo(json("{'f:status':{'f:replicas':{}}}"));
        // Without the reset fields the same apply conflicts with the controller.
        assertThat(ServerSideApply.apply(live, config, "kubectl", false, DEPLOYMENT, T1).conflicts()).hasSize(1);
    }

    @Test
    void createViaApplyRecordsExactlyTheAppliedFields() {
        ObjectNode created = apply(null, configMap("{'a':'1','b':'2'}"), "kubectl", false, CONFIG_MAP, T0);

        assertThat(created.get("data")).isEqualTo(json("{'a':'1','b':'2'}"));
        assertThat(created.path("metadata").path("managedFields")).hasSize(1);
        assertThat(created.path("metadata").path("managedFields").get(0)).isEqualTo(json(
                "{'manager':'kubectl','operation':'Apply','apiVersion':'v1','time':'2025-01-01T00:00:00Z',"
                        + "'fieldsType':'FieldsV1','fieldsV1':{'f:data':{'f:a':{},'f:b':{}}}}"));
    }

    @Test
    void portsAreKeyedByNumberAndProtocolWithTcpWhereTheyNameNone() {
        PatchSchema service = PatchSchema.forKind("v1", "Service");
        ObjectNode dns = json("{'apiVersion':'v1','kind':'Service','metadata':{'name':'dns','namespace':'default'},"
                + "'spec':{'ports':[{'name':'dns','port':53,'protocol':'UDP'},{'name':'dns-tcp','port':53}]}}");

        ObjectNode created = apply(null, dns, "kubectl", false, service, T0);

        assertThat(created.at("/spec/ports")).hasSize(2);
        assertThat(entry(created, "kubectl", "Apply").at("/fieldsV1/f:spec/f:ports")).isEqualTo(json(
                "{'k:{\\'port\\':53,\\'protocol\\':\\'TCP\\'}':{'.':{},'f:name':{},'f:port':{}},"
                        + "'k:{\\'port\\':53,\\'protocol\\':\\'UDP\\'}':{'.':{},'f:name':{},'f:port':{},'f:protocol':{}}}"));

        // A live port with its defaulted protocol is the element a config without one names.
        ObjectNode live = created.deepCopy();
        ((ObjectNode) live.at("/spec/ports/1")).put("protocol", "TCP");
        ObjectNode renamed = apply(live, json("{'apiVersion':'v1','kind':'Service','metadata':{'name':'dns',"
                + "'namespace':'default'},'spec':{'ports':[{'name':'dns','port':53,'protocol':'UDP'},"
                + "{'name':'tcp','port':53}]}}"), "kubectl", false, service, T1);
        assertThat(renamed.at("/spec/ports")).hasSize(2);
        assertThat(renamed.at("/spec/ports/1/name").asText()).isEqualTo("tcp");
    }

    @Test
    void aServiceSelectorIsOneManagersWhole() {
        PatchSchema service = PatchSchema.forKind("v1", "Service");
        ObjectNode first = apply(null, json("{'apiVersion':'v1','kind':'Service','metadata':{'name':'s',"
                + "'namespace':'default'},'spec':{'selector':{'a':'1','b':'2'}}}"), "one", false, service, T0);
        ObjectNode other = json("{'apiVersion':'v1','kind':'Service','metadata':{'name':'s','namespace':'default'},"
                + "'spec':{'selector':{'c':'3'}}}");

        ApplyResult conflicting = ServerSideApply.apply(first, other, "two", false, service, T1);
        ObjectNode forced = apply(first, other, "two", true, service, T1);

        assertThat(conflicting.conflicts()).extracting(Conflict::field).containsExactly(".spec.selector");
        assertThat(forced.at("/spec/selector")).isEqualTo(json("{'c':'3'}"));
        assertThat(entry(forced, "two", "Apply").at("/fieldsV1/f:spec")).isEqualTo(json("{'f:selector':{}}"));
    }

    @Test
    void spreadConstraintsNeedBothKeys() {
        ObjectNode deployment = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d',"
                + "'namespace':'default'},'spec':{'template':{'spec':{'topologySpreadConstraints':["
                + "{'topologyKey':'zone','whenUnsatisfiable':'DoNotSchedule','maxSkew':1},"
                + "{'topologyKey':'zone','whenUnsatisfiable':'ScheduleAnyway','maxSkew':2}]}}}}");

        assertThat(apply(null, deployment, "m", false, DEPLOYMENT, T0).at("/spec/template/spec/topologySpreadConstraints"))
                .hasSize(2);
        ((ObjectNode) deployment.at("/spec/template/spec/topologySpreadConstraints/1")).remove("whenUnsatisfiable");
        assertThatThrownBy(() -> ServerSideApply.apply(null, deployment, "m", false, DEPLOYMENT, T0))
                .isInstanceOf(InvalidApplyException.class)
                .hasMessageContaining("omits key field \"whenUnsatisfiable\" (and doesn't have default value)");
    }

    @Test
    void reapplyWithoutAFieldRemovesIt() {
        ObjectNode v1 = apply(null, configMap("{'a':'1','b':'2'}"), "kubectl", false, CONFIG_MAP, T0);
        ObjectNode v2 = apply(v1, configMap("{'a':'1'}"), "kubectl", false, CONFIG_MAP, T1);

        assertThat(v2.get("data")).isEqualTo(json("{'a':'1'}"));
        assertThat(entry(v2, "kubectl", "Apply").get("fieldsV1")).isEqualTo(json("{'f:data':{'f:a':{}}}"));
        assertThat(entry(v2, "kubectl", "Apply").get("time").asText()).isEqualTo("2025-01-01T00:01:00Z");
    }

    @Test
    void aMapWhoseMarkerIsNoLongerAppliedStaysWithTheFieldsStillOwned() {
        ObjectNode live = configMap("{'a':'1','b':'2'}");
        live.withObjectProperty("metadata").set("managedFields", json("{'l':[{'manager':'kubectl',"
                + "'operation':'Apply','apiVersion':'v1','time':'2025-01-01T00:00:00Z','fieldsType':'FieldsV1',"
                + "'fieldsV1':{'f:data':{'.':{},'f:a':{},'f:b':{}}}}]}").get("l"));
        ObjectNode v2 = apply(live, configMap("{'a':'1'}"), "kubectl", false, CONFIG_MAP, T1);

        assertThat(v2.get("data")).isEqualTo(json("{'a':'1'}"));
        assertThat(entry(v2, "kubectl", "Apply").get("fieldsV1")).isEqualTo(json("{'f:data':{'f:a':{}}}"));
    }

    @Test
    void removingTheLastLabelDropsTheEmptyMap() {
        ObjectNode labelled = configMap("{'a':'1'}");
        labelled.withObjectProperty("metadata").putObject("labels").put("app", "web");
        ObjectNode v1 = apply(null, labelled, "kubectl", false, CONFIG_MAP, T0);
        ObjectNode v2 = apply(v1, configMap("{'a':'1'}"), "kubectl", false, CONFIG_MAP, T1);

        assertThat(v2.path("metadata").has("labels")).isFalse();
        assertThat(v2.path("metadata").path("name").asText()).isEqualTo("cm");
    }

    @Test
    void twoManagersOwningDifferentFieldsBothKeepTheirs() {
        ObjectNode v1 = apply(null, configMap("{'a':'1'}"), "alice", false, CONFIG_MAP, T0);
        ObjectNode v2 = apply(v1, configMap("{'b':'2'}"), "bob", false, CONFIG_MAP, T1);
        ObjectNode v3 = apply(v2, configMap("{'a':'1'}"), "alice", false, CONFIG_MAP, T1);

        assertThat(v3.get("data")).isEqualTo(json("{'a':'1','b':'2'}"));
        assertThat(entry(v3, "alice", "Apply").get("fieldsV1")).isEqualTo(json("{'f:data':{'f:a':{}}}"));
        assertThat(entry(v3, "bob", "Apply").get("fieldsV1")).isEqualTo(json("{'f:data':{'f:b':{}}}"));
    }

    @Test
    void aFieldAnotherManagerAlsoOwnsStaysWhenLeftOut() {
        ObjectNode v1 = apply(null, configMap("{'a':'1','b':'2'}"), "alice", false, CONFIG_MAP, T0);
        ObjectNode v2 = apply(v1, configMap("{'b':'2'}"), "bob", false, CONFIG_MAP, T1);
        ObjectNode v3 = apply(v2, configMap("{'a':'1'}"), "alice", false, CONFIG_MAP, T1);

        assertThat(v3.get("data")).isEqualTo(json("{'a':'1','b':'2'}"));
        assertThat(entry(v3, "bob", "Apply").get("fieldsV1")).isEqualTo(json("{'f:data':{'f:b':{}}}"));
    }

    @Test
    void changingAnotherManagersValueConflictsWithKubernetesWording() {
        ObjectNode created = ManagedFields.recordUpdate(null, configMap("{'key':'old'}"),
                "kubectl-client-side-apply", T0);

        ApplyResult result = ServerSideApply.apply(created, configMap("{'key':'new'}"), "kubectl", false,
                CONFIG_MAP, T1);

        assertThat(result.conflicted()).isTrue();
        assertThat(result.merged()).isNull();
        assertThat(result.conflicts()).containsExactly(
                new Conflict("kubectl-client-side-apply", "Update", "v1", "", ".data.key"));
        assertThat(result.conflictMessage()).isEqualTo(
                "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using v1: .data.key");
        assertThat(result.conflicts().getFirst().causeMessage())
                .isEqualTo("conflict with \"kubectl-client-side-apply\" using v1");
    }

    @Test
    void severalConflictsAreListedPerManager() {
        ObjectNode v1 = apply(null, configMap("{'x':'1','y':'1'}"), "alice", false, CONFIG_MAP, T0);

        ApplyResult result = ServerSideApply.apply(v1, configMap("{'x':'2','y':'2'}"), "bob", false,
                CONFIG_MAP, T1);

        assertThat(result.conflictMessage())
                .isEqualTo("Apply failed with 2 conflicts: conflicts with \"alice\":\n- .data.x\n- .data.y");
    }

    @Test
    void sameValueAsAnotherManagerIsSharedNotAConflict() {
        ObjectNode v1 = apply(null, configMap("{'key':'v'}"), "alice", false, CONFIG_MAP, T0);
        ObjectNode v2 = apply(v1, configMap("{'key':'v'}"), "bob", false, CONFIG_MAP, T1);

        assertThat(entry(v2, "alice", "Apply").get("fieldsV1")).isEqualTo(json("{'f:data':{'f:key':{}}}"));
        assertThat(entry(v2, "bob", "Apply").get("fieldsV1")).isEqualTo(json("{'f:data':{'f:key':{}}}"));
    }

    @Test
    void forceWinsAndMovesOwnership() {
        ObjectNode created = ManagedFields.recordUpdate(null, configMap("{'key':'old','other':'x'}"),
                "kubectl-client-side-apply", T0);

        ObjectNode forced = apply(created, configMap("{'key':'new'}"), "kubectl", true, CONFIG_MAP, T1);

        assertThat(forced.get("data")).isEqualTo(json("{'key':'new','other':'x'}"));
        assertThat(entry(forced, "kubectl", "Apply").get("fieldsV1")).isEqualTo(json("{'f:data':{'f:key':{}}}"));
        assertThat(entry(forced, "kubectl-client-side-apply", "Update").get("fieldsV1"))
                .isEqualTo(json("{'f:data':{'.':{},'f:other':{}}}"));
    }

    @Test
    void objectWithoutManagedFieldsBelongsToBeforeFirstApply() {
        ApplyResult result = ServerSideApply.apply(configMap("{'key':'old'}"), configMap("{'key':'new'}"),
                "kubectl", false, CONFIG_MAP, T1);

        assertThat(result.conflictMessage()).isEqualTo(
                "Apply failed with 1 conflict: conflict with \"before-first-apply\" using v1: .data.key");
    }

    @Test
    void applyingWhatIsLiveChangesNothingButOwnership() {
        ObjectNode v1 = apply(null, configMap("{'a':'1'}"), "kubectl", false, CONFIG_MAP, T0);

        ObjectNode again = apply(v1, configMap("{'a':'1'}"), "kubectl", false, CONFIG_MAP, T1);

        // apiserver's managedFieldsUpdater moves the time only when the object changed.
        assertThat(again).isEqualTo(v1);
    }

    @Test
    void aNewManagerApplyingLiveValuesGetsAnEntryWithoutTime() {
        ObjectNode v1 = apply(null, configMap("{'a':'1'}"), "alice", false, CONFIG_MAP, T0);

        ObjectNode v2 = apply(v1, configMap("{'a':'1'}"), "bob", false, CONFIG_MAP, T1);

        assertThat(v2.get("data")).isEqualTo(v1.get("data"));
        assertThat(entry(v2, "bob", "Apply").has("time")).isFalse();
    }

    private static ObjectNode deployment(String containers) {
        return json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'default'},"
                + "'spec':{'replicas':2,'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':"
                + "{'labels':{'app':'web'}},'spec':{'containers':" + containers + "}}}}");
    }

    @Test
    void deploymentFieldsV1UsesKubernetesEncoding() {
        ObjectNode created = apply(null, deployment("[{'name':'web','image':'nginx:1.27'}]"), "kubectl", false,
                DEPLOYMENT, T0);

        assertThat(entry(created, "kubectl", "Apply").get("fieldsV1")).isEqualTo(json("""
                {'f:spec':{'f:replicas':{},'f:selector':{},'f:template':{
                  'f:metadata':{'f:labels':{'f:app':{}}},
                  'f:spec':{'f:containers':{'k:{\\'name\\':\\'web\\'}':{'.':{},'f:image':{},'f:name':{}}}}}}}
                """.replace("\\'", "\\\"")));
        JsonNode containers = entry(created, "kubectl", "Apply")
                .path("fieldsV1").path("f:spec").path("f:template").path("f:spec").path("f:containers");
        assertThat(containers.fieldNames().next()).isEqualTo("k:{\"name\":\"web\"}");
        assertThat(containers.path("k:{\"name\":\"web\"}").fieldNames().next()).isEqualTo(".");
    }

    @Test
    void containersMergeByNameAndLeaveAnotherManagersContainerAlone() {
        ObjectNode v1 = apply(null, deployment("[{'name':'web','image':'nginx:1.27'}]"), "kubectl", false,
                DEPLOYMENT, T0);
        ObjectNode v2 = apply(v1, deployment("[{'name':'sidecar','image':'envoy:1'}]"), "mesh", false,
                DEPLOYMENT, T1);
        ObjectNode v3 = apply(v2, deployment("[{'name':'web','image':'nginx:1.28'}]"), "kubectl", false,
                DEPLOYMENT, T1);

        JsonNode containers = v3.path("spec").path("template").path("spec").path("containers");
        assertThat(containers).containsExactly(json("{'name':'web','image':'nginx:1.28'}"),
                json("{'name':'sidecar','image':'envoy:1'}"));
        assertThat(entry(v3, "mesh", "Apply").path("fieldsV1").path("f:spec").path("f:template").path("f:spec")
                .path("f:containers").has("k:{\"name\":\"sidecar\"}")).isTrue();
    }

    @Test
    void droppingAContainerRemovesIt() {
        ObjectNode v1 = apply(null, deployment("[{'name':'web','image':'a'},{'name':'debug','image':'b'}]"),
                "kubectl", false, DEPLOYMENT, T0);
        ObjectNode v2 = apply(v1, deployment("[{'name':'web','image':'a'}]"), "kubectl", false, DEPLOYMENT, T1);

        assertThat(v2.path("spec").path("template").path("spec").path("containers"))
                .containsExactly(json("{'name':'web','image':'a'}"));
    }

    @Test
    void changingAnotherManagersContainerImageNamesTheKeyedPath() {
        ObjectNode v1 = apply(null, deployment("[{'name':'web','image':'a'}]"), "kubectl", false, DEPLOYMENT, T0);

        ApplyResult result = ServerSideApply.apply(v1, deployment("[{'name':'web','image':'b'}]"), "ci", false,
                DEPLOYMENT, T1);

        assertThat(result.conflicts()).extracting(Conflict::field)
                .containsExactly(".spec.template.spec.containers[name=\"web\"].image");
    }

    @Test
    void containerWithoutNameIsInvalid() {
        assertThatThrownBy(() -> ServerSideApply.apply(null, deployment("[{'image':'a'}]"), "kubectl", false,
                DEPLOYMENT, T0))
                .isInstanceOf(InvalidApplyException.class)
                .hasMessageContaining("omits key field \"name\"");
        assertThatThrownBy(() -> ServerSideApply.apply(null, deployment("[{'name':'a'},{'name':'a'}]"), "kubectl",
                false, DEPLOYMENT, T0))
                .isInstanceOf(InvalidApplyException.class)
                .hasMessageContaining("duplicate entries for key [name=\"a\"]");
    }

    @Test
    void inputsAreNotModified() {
        ObjectNode v1 = apply(null, configMap("{'a':'1','b':'2'}"), "kubectl", false, CONFIG_MAP, T0);
        ObjectNode live = v1.deepCopy();
        ObjectNode config = configMap("{'a':'3'}");
        ObjectNode configCopy = config.deepCopy();

        ServerSideApply.apply(v1, config, "kubectl", false, CONFIG_MAP, T1);

        assertThat(v1).isEqualTo(live);
        assertThat(config).isEqualTo(configCopy);
    }
}
