package io.drover.api.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.drover.testing.ProtobufFrames;
import io.kubernetes.client.proto.IntStr;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Resource;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Coordination;
import io.kubernetes.client.proto.V2Autoscaling;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Bodies built with client-java-proto's message classes the way client-go's protobuf serializer frames them. */
class ProtobufBodiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** "k8s\0" + runtime.Unknown{typeMeta, raw, contentEncoding "", contentType ""}, as client-go writes it. */
    static byte[] body(String apiVersion, String kind, Message object) {
        return ProtobufFrames.body(apiVersion, kind, object);
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    /** ObjectMeta with the non-pointer fields gogo-protobuf always writes (empty strings, generation 0, zero time). */
    private static Meta.ObjectMeta.Builder meta(String name) {
        return Meta.ObjectMeta.newBuilder().setName(name).setGenerateName("").setNamespace("").setSelfLink("")
                .setUid("").setResourceVersion("").setGeneration(0).setCreationTimestamp(Meta.Time.getDefaultInstance());
    }

    private static IntStr.IntOrString intOrString(int value) {
        return IntStr.IntOrString.newBuilder().setType(0).setIntVal(value).setStrVal("").build();
    }

    private static IntStr.IntOrString intOrString(String value) {
        return IntStr.IntOrString.newBuilder().setType(1).setIntVal(0).setStrVal(value).build();
    }

    private static Resource.Quantity quantity(String value) {
        return Resource.Quantity.newBuilder().setString(value).build();
    }

    private static V1Apps.Deployment deployment(String name, int replicas) {
        V1.Container container = V1.Container.newBuilder().setName("nginx").setImage("nginx:1.25")
                .addPorts(V1.ContainerPort.newBuilder().setName("").setHostPort(0).setContainerPort(8080)
                        .setProtocol("").setHostIP(""))
                .setResources(V1.ResourceRequirements.getDefaultInstance())
                .setTerminationMessagePath("").setImagePullPolicy("")
                .setStdin(false).setStdinOnce(false).setTty(false).build();
        return V1Apps.Deployment.newBuilder()
                .setMetadata(meta(name).putLabels("app", name))
                .setSpec(V1Apps.DeploymentSpec.newBuilder()
                        .setReplicas(replicas)
                        .setSelector(Meta.LabelSelector.newBuilder().putMatchLabels("app", name))
                        .setTemplate(V1.PodTemplateSpec.newBuilder()
                                .setMetadata(meta("").putLabels("app", name))
                                .setSpec(V1.PodSpec.newBuilder().addContainers(container).setRestartPolicy("")
                                        .setDnsPolicy("").setServiceAccountName("").setNodeName("")
                                        .setHostNetwork(false).setHostPID(false).setHostIPC(false)))
                        .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType(""))
                        .setMinReadySeconds(0).setPaused(false))
                .setStatus(V1Apps.DeploymentStatus.newBuilder().setObservedGeneration(0).setReplicas(0)
                        .setUpdatedReplicas(0).setReadyReplicas(0).setAvailableReplicas(0).setUnavailableReplicas(0))
                .build();
    }

    @Test
    void deploymentOfKubectlCreateDeployment() throws Exception {
        // kubectl create deployment myapp2 --image=nginx:1.25 --replicas=2 --port=8080 (kubectl-surface.md §2.3)
        ObjectNode decoded = ProtobufBodies.decode(body("apps/v1", "Deployment", deployment("myapp2", 2)));

        assertThat(decoded).isEqualTo(json("""
                {'apiVersion':'apps/v1','kind':'Deployment',
                 'metadata':{'name':'myapp2','generation':0,'labels':{'app':'myapp2'}},
                 'spec':{'replicas':2,'selector':{'matchLabels':{'app':'myapp2'}},
                   'template':{'metadata':{'generation':0,'labels':{'app':'myapp2'}},
                     'spec':{'containers':[{'name':'nginx','image':'nginx:1.25',
                         'ports':[{'hostPort':0,'containerPort':8080}],'resources':{},
                         'stdin':false,'stdinOnce':false,'tty':false}],
                       'hostNetwork':false,'hostPID':false,'hostIPC':false}},
                   'strategy':{},'minReadySeconds':0,'paused':false},
                 'status':{'observedGeneration':0,'replicas':0,'updatedReplicas':0,'readyReplicas':0,
                   'availableReplicas':0,'unavailableReplicas':0}}"""));
        assertThat(decoded.fieldNames().next()).isEqualTo("apiVersion");
    }

    @Test
    void deploymentReplicasZeroIsKept() {
        ObjectNode decoded = ProtobufBodies.decode(body("apps/v1", "Deployment", deployment("idle", 0)));

        assertThat(decoded.path("spec").has("replicas")).isTrue();
        assertThat(decoded.at("/spec/replicas").intValue()).isZero();
    }

    @Test
    void unsetPointerScalarIsAbsent() {
        V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder().setMetadata(meta("d"))
                .setSpec(V1Apps.DeploymentSpec.newBuilder().setMinReadySeconds(0)).build();

        ObjectNode decoded = ProtobufBodies.decode(body("apps/v1", "Deployment", deployment));

        assertThat(decoded.path("spec").has("replicas")).isFalse();
        assertThat(decoded.at("/spec/minReadySeconds").isInt()).isTrue();
        assertThat(decoded.has("status")).isFalse();
    }

    @Test
    void inlineEmbeddedStructsAreLiftedIntoTheirParent() {
        V1.Container container = V1.Container.newBuilder().setName("app").setImage("nginx")
                .addEnv(V1.EnvVar.newBuilder().setName("COLOR").setValueFrom(V1.EnvVarSource.newBuilder()
                        .setConfigMapKeyRef(V1.ConfigMapKeySelector.newBuilder().setKey("color")
                                .setLocalObjectReference(V1.LocalObjectReference.newBuilder().setName("cfg")))))
                .setLivenessProbe(V1.Probe.newBuilder().setHandler(V1.ProbeHandler.newBuilder()
                        .setHttpGet(V1.HTTPGetAction.newBuilder().setPath("/healthz").setPort(intOrString(8080)))))
                .build();
        V1.Pod pod = V1.Pod.newBuilder().setMetadata(meta("p")).setSpec(V1.PodSpec.newBuilder()
                .addContainers(container)
                .addVolumes(V1.Volume.newBuilder().setName("scratch").setVolumeSource(V1.VolumeSource.newBuilder()
                        .setEmptyDir(V1.EmptyDirVolumeSource.getDefaultInstance())))).build();

        ObjectNode decoded = ProtobufBodies.decode(body("v1", "Pod", pod));

        assertThat(decoded.at("/spec/volumes/0/emptyDir").isObject()).isTrue();
        assertThat(decoded.at("/spec/volumes/0").has("volumeSource")).isFalse();
        assertThat(decoded.at("/spec/containers/0/env/0/valueFrom/configMapKeyRef/name").asText()).isEqualTo("cfg");
        assertThat(decoded.at("/spec/containers/0/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(decoded.at("/spec/containers/0/livenessProbe").has("handler")).isFalse();
    }

    @Test
    void aUsersExtraValuesAreArraysAsInJson() throws Exception {
        V1Authorization.SubjectAccessReview review = V1Authorization.SubjectAccessReview.newBuilder()
                .setSpec(V1Authorization.SubjectAccessReviewSpec.newBuilder().setUser("u")
                        .putExtra("authentication.kubernetes.io/credential-id",
                                V1Authorization.ExtraValue.newBuilder().addItems("JTI=abc").build())
                        .putExtra("two", V1Authorization.ExtraValue.newBuilder().addItems("a").addItems("b").build()))
                .build();

        ObjectNode decoded = ProtobufBodies.decode(body("authorization.k8s.io/v1", "SubjectAccessReview", review));

        assertThat(decoded.path("spec").path("extra")).isEqualTo(json(
                "{'authentication.kubernetes.io/credential-id':['JTI=abc'],'two':['a','b']}"));
    }

    @Test
    void configMapData() throws Exception {
        V1.ConfigMap configMap = V1.ConfigMap.newBuilder()
                .setMetadata(meta("settings").setNamespace("team-a").putAnnotations("note", ""))
                .putData("a", "b").putData("empty", "").putData("multi", "line1\nline2")
                .putBinaryData("blob", ByteString.copyFrom(new byte[] {1, 2, 3}))
                .build();

        ObjectNode decoded = ProtobufBodies.decode(body("v1", "ConfigMap", configMap));

        assertThat(decoded).isEqualTo(json("""
                {'apiVersion':'v1','kind':'ConfigMap',
                 'metadata':{'name':'settings','namespace':'team-a','generation':0,'annotations':{'note':''}},
                 'data':{'a':'b','empty':'','multi':'line1\\nline2'},'binaryData':{'blob':'AQID'}}"""));
    }

    @Test
    void secretBinaryDataIsBase64() {
        byte[] binary = {0, (byte) 0xff, 0x10, 'k'};
        V1.Secret secret = V1.Secret.newBuilder().setMetadata(meta("s"))
                .putData("bin", ByteString.copyFrom(binary))
                .putData("k", ByteString.copyFromUtf8("v"))
                .setType("Opaque")
                .build();

        ObjectNode decoded = ProtobufBodies.decode(body("v1", "Secret", secret));

        assertThat(decoded.at("/data/bin").textValue()).isEqualTo("AP8Qaw==");
        assertThat(java.util.Base64.getDecoder().decode(decoded.at("/data/bin").textValue())).isEqualTo(binary);
        assertThat(decoded.at("/data/k").textValue()).isEqualTo("dg==");
        assertThat(decoded.at("/type").textValue()).isEqualTo("Opaque");
        assertThat(decoded.has("stringData")).isFalse();
    }

    @Test
    void serviceTargetPortIntOrString() throws Exception {
        V1.Service service = V1.Service.newBuilder().setMetadata(meta("web"))
                .setSpec(V1.ServiceSpec.newBuilder().setType("ClusterIP").setClusterIP("")
                        .putSelector("app", "web")
                        .addPorts(V1.ServicePort.newBuilder().setName("http").setProtocol("TCP").setPort(80)
                                .setTargetPort(intOrString(8080)).setNodePort(0))
                        .addPorts(V1.ServicePort.newBuilder().setName("https").setProtocol("TCP").setPort(443)
                                .setTargetPort(intOrString("https")).setNodePort(0)))
                .setStatus(V1.ServiceStatus.newBuilder().setLoadBalancer(V1.LoadBalancerStatus.getDefaultInstance()))
                .build();

        ObjectNode decoded = ProtobufBodies.decode(body("v1", "Service", service));

        assertThat(decoded.at("/spec/ports")).isEqualTo(json("""
                [{'name':'http','protocol':'TCP','port':80,'targetPort':8080,'nodePort':0},
                 {'name':'https','protocol':'TCP','port':443,'targetPort':'https','nodePort':0}]"""));
        assertThat(decoded.at("/spec/ports/0/targetPort").isInt()).isTrue();
        assertThat(decoded.at("/spec/ports/1/targetPort").isTextual()).isTrue();
        assertThat(decoded.at("/spec/type").textValue()).isEqualTo("ClusterIP");
        assertThat(decoded.at("/spec").has("clusterIP")).isFalse();
        assertThat(decoded.at("/status")).isEqualTo(json("{'loadBalancer':{}}"));
    }

    @Test
    void horizontalPodAutoscalerV1OfKubectlAutoscale() throws Exception {
        V1Autoscaling.HorizontalPodAutoscaler hpa = V1Autoscaling.HorizontalPodAutoscaler.newBuilder()
                .setMetadata(meta("myapp"))
                .setSpec(V1Autoscaling.HorizontalPodAutoscalerSpec.newBuilder()
                        .setScaleTargetRef(V1Autoscaling.CrossVersionObjectReference.newBuilder()
                                .setKind("Deployment").setName("myapp").setApiVersion("apps/v1"))
                        .setMinReplicas(1).setMaxReplicas(5).setTargetCPUUtilizationPercentage(80))
                .setStatus(V1Autoscaling.HorizontalPodAutoscalerStatus.newBuilder()
                        .setCurrentReplicas(0).setDesiredReplicas(0))
                .build();

        ObjectNode decoded = ProtobufBodies.decode(body("autoscaling/v1", "HorizontalPodAutoscaler", hpa));

        assertThat(decoded).isEqualTo(json("""
                {'apiVersion':'autoscaling/v1','kind':'HorizontalPodAutoscaler',
                 'metadata':{'name':'myapp','generation':0},
                 'spec':{'scaleTargetRef':{'kind':'Deployment','name':'myapp','apiVersion':'apps/v1'},
                   'minReplicas':1,'maxReplicas':5,'targetCPUUtilizationPercentage':80},
                 'status':{'currentReplicas':0,'desiredReplicas':0}}"""));
    }

    @Test
    void horizontalPodAutoscalerV2Metrics() throws Exception {
        V2Autoscaling.HorizontalPodAutoscaler hpa = V2Autoscaling.HorizontalPodAutoscaler.newBuilder()
                .setMetadata(meta("myapp"))
                .setSpec(V2Autoscaling.HorizontalPodAutoscalerSpec.newBuilder()
                        .setScaleTargetRef(V2Autoscaling.CrossVersionObjectReference.newBuilder()
                                .setKind("Deployment").setName("myapp").setApiVersion("apps/v1"))
                        .setMaxReplicas(4)
                        .addMetrics(V2Autoscaling.MetricSpec.newBuilder().setType("Resource")
                                .setResource(V2Autoscaling.ResourceMetricSource.newBuilder().setName("cpu")
                                        .setTarget(V2Autoscaling.MetricTarget.newBuilder()
                                                .setType("Utilization").setAverageUtilization(50))))
                        .addMetrics(V2Autoscaling.MetricSpec.newBuilder().setType("Resource")
                                .setResource(V2Autoscaling.ResourceMetricSource.newBuilder().setName("memory")
                                        .setTarget(V2Autoscaling.MetricTarget.newBuilder()
                                                .setType("AverageValue").setAverageValue(quantity("512Mi"))))))
                .build();

        ObjectNode decoded = ProtobufBodies.decode(body("autoscaling/v2", "HorizontalPodAutoscaler", hpa));

        assertThat(decoded.at("/spec/metrics")).isEqualTo(json("""
                [{'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization','averageUtilization':50}}},
                 {'type':'Resource','resource':{'name':'memory','target':{'type':'AverageValue','averageValue':'512Mi'}}}]"""));
        assertThat(decoded.at("/spec").has("minReplicas")).isFalse();
    }

    @Test
    void timesAreRfc3339AndZeroTimesAreDropped() {
        Meta.Time created = Meta.Time.newBuilder().setSeconds(1714566645L).setNanos(0).build(); // 2024-05-01T12:30:45Z
        V1.Event event = V1.Event.newBuilder()
                .setMetadata(meta("e1").setCreationTimestamp(created))
                .setInvolvedObject(V1.ObjectReference.newBuilder().setKind("Pod").setName("p"))
                .setReason("Started").setMessage("started").setType("Normal").setCount(1)
                .setFirstTimestamp(created)
                .setLastTimestamp(Meta.Time.getDefaultInstance())
                .setEventTime(Meta.MicroTime.newBuilder().setSeconds(1714566645L).setNanos(123456789))
                .build();

        ObjectNode decoded = ProtobufBodies.decode(body("v1", "Event", event));

        assertThat(decoded.at("/metadata/creationTimestamp").textValue()).isEqualTo("2024-05-01T12:30:45Z");
        assertThat(decoded.at("/metadata/generation").isInt()).isTrue();
        assertThat(decoded.at("/firstTimestamp").textValue()).isEqualTo("2024-05-01T12:30:45Z");
        assertThat(decoded.has("lastTimestamp")).isFalse();
        assertThat(decoded.at("/eventTime").textValue()).isEqualTo("2024-05-01T12:30:45.123456Z");
        assertThat(decoded.at("/count").intValue()).isEqualTo(1);
    }

    @Test
    void leaseMicroTimes() {
        V1Coordination.Lease lease = V1Coordination.Lease.newBuilder().setMetadata(meta("node-1"))
                .setSpec(V1Coordination.LeaseSpec.newBuilder().setHolderIdentity("node-1")
                        .setLeaseDurationSeconds(40)
                        .setRenewTime(Meta.MicroTime.newBuilder().setSeconds(1714566645L).setNanos(5000)))
                .build();

        ObjectNode decoded = ProtobufBodies.decode(body("coordination.k8s.io/v1", "Lease", lease));

        assertThat(decoded.at("/spec/renewTime").textValue()).isEqualTo("2024-05-01T12:30:45.000005Z");
        assertThat(decoded.at("/spec/leaseDurationSeconds").intValue()).isEqualTo(40);
    }

    @Test
    void resourceQuantitiesAreStrings() throws Exception {
        V1.Pod pod = V1.Pod.newBuilder().setMetadata(meta("p"))
                .setSpec(V1.PodSpec.newBuilder().addContainers(V1.Container.newBuilder().setName("c").setImage("busybox")
                        .setResources(V1.ResourceRequirements.newBuilder()
                                .putRequests("cpu", quantity("100m")).putRequests("memory", quantity("1Gi"))
                                .putLimits("cpu", quantity("1")))))
                .build();
        V1.ResourceQuota quota = V1.ResourceQuota.newBuilder().setMetadata(meta("q"))
                .setSpec(V1.ResourceQuotaSpec.newBuilder().putHard("pods", quantity("10"))
                        .putHard("requests.memory", quantity("1Gi")))
                .build();

        ObjectNode decodedPod = ProtobufBodies.decode(body("v1", "Pod", pod));
        ObjectNode decodedQuota = ProtobufBodies.decode(body("v1", "ResourceQuota", quota));

        assertThat(decodedPod.at("/spec/containers/0/resources")).isEqualTo(json(
                "{'requests':{'cpu':'100m','memory':'1Gi'},'limits':{'cpu':'1'}}"));
        assertThat(decodedQuota.at("/spec/hard")).isEqualTo(json("{'pods':'10','requests.memory':'1Gi'}"));
    }

    @Test
    void managedFieldsV1IsEmbeddedJson() throws Exception {
        V1.ConfigMap configMap = V1.ConfigMap.newBuilder()
                .setMetadata(meta("cm").addManagedFields(Meta.ManagedFieldsEntry.newBuilder()
                        .setManager("kubectl-create").setOperation("Update").setApiVersion("v1")
                        .setFieldsType("FieldsV1")
                        .setFieldsV1(Meta.FieldsV1.newBuilder()
                                .setRaw(ByteString.copyFromUtf8("{\"f:data\":{\".\":{},\"f:a\":{}}}")))))
                .build();

        ObjectNode decoded = ProtobufBodies.decode(body("v1", "ConfigMap", configMap));

        assertThat(decoded.at("/metadata/managedFields/0")).isEqualTo(json("""
                {'manager':'kubectl-create','operation':'Update','apiVersion':'v1','fieldsType':'FieldsV1',
                 'fieldsV1':{'f:data':{'.':{},'f:a':{}}}}"""));
    }

    @Test
    void managedFieldsHoldingAProtobufBodyAreRefusedNotDecoded() {
        // A fuzzer nested 2,000 such bodies in 94 KB: decoding them recursively overflowed the stack (a 500).
        byte[] inner = body("v1", "ConfigMap", V1.ConfigMap.newBuilder().setMetadata(meta("inner")).build());
        V1.ConfigMap configMap = V1.ConfigMap.newBuilder()
                .setMetadata(meta("cm").addManagedFields(Meta.ManagedFieldsEntry.newBuilder().setManager("m")
                        .setFieldsType("FieldsV1").setFieldsV1(Meta.FieldsV1.newBuilder()
                                .setRaw(ByteString.copyFrom(inner)))))
                .build();

        assertThatThrownBy(() -> ProtobufBodies.decode(body("v1", "ConfigMap", configMap)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("embedded object is neither JSON nor protobuf");
    }

    @Test
    void aTimeBeyondJavasRangeIsRefused() {
        Meta.Time far = Meta.Time.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(0).build();
        V1.ConfigMap configMap = V1.ConfigMap.newBuilder().setMetadata(meta("cm").setCreationTimestamp(far)).build();

        assertThatThrownBy(() -> ProtobufBodies.decode(body("v1", "ConfigMap", configMap)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("time of " + Long.MAX_VALUE + " seconds is out of range");
        // Nanoseconds past a second overflow the seconds' arithmetic (not a DateTimeException).
        Meta.Time overflowing = Meta.Time.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(1_500_000_000).build();
        V1.ConfigMap other = V1.ConfigMap.newBuilder().setMetadata(meta("cm").setCreationTimestamp(overflowing)).build();
        assertThatThrownBy(() -> ProtobufBodies.decode(body("v1", "ConfigMap", other)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deleteOptionsUnderAnyGroupVersion() throws Exception {
        Meta.DeleteOptions options = Meta.DeleteOptions.newBuilder().setGracePeriodSeconds(0)
                .setPropagationPolicy("Foreground")
                .setPreconditions(Meta.Preconditions.newBuilder().setUid("1234"))
                .addDryRun("All")
                .build();

        ObjectNode core = ProtobufBodies.decode(body("v1", "DeleteOptions", options));
        ObjectNode apps = ProtobufBodies.decode(body("apps/v1", "DeleteOptions", options));

        assertThat(core).isEqualTo(json("""
                {'apiVersion':'v1','kind':'DeleteOptions','gracePeriodSeconds':0,
                 'preconditions':{'uid':'1234'},'propagationPolicy':'Foreground','dryRun':['All']}"""));
        assertThat(apps.get("apiVersion").textValue()).isEqualTo("apps/v1");
    }

    @Test
    void everyKindDroverServesIsSupported() {
        for (String kind : new String[] {"v1/Namespace", "v1/Pod", "v1/Service", "v1/Endpoints", "v1/ConfigMap",
                "v1/Secret", "v1/Event", "v1/Node", "v1/ResourceQuota", "v1/LimitRange", "v1/ServiceAccount",
                "apps/v1/Deployment", "apps/v1/ReplicaSet", "autoscaling/v1/HorizontalPodAutoscaler",
                "autoscaling/v2/HorizontalPodAutoscaler", "coordination.k8s.io/v1/Lease",
                "discovery.k8s.io/v1/EndpointSlice", "node.k8s.io/v1/RuntimeClass"}) {
            int slash = kind.lastIndexOf('/');
            assertThat(ProtobufBodies.supports(kind.substring(0, slash), kind.substring(slash + 1))).as(kind).isTrue();
        }
        assertThat(ProtobufBodies.supports("meta.k8s.io/v1", "DeleteOptions")).isTrue();
        assertThat(ProtobufBodies.supports("v1", "Deployment")).isFalse();
    }

    @Test
    void everyTableEntryParsesItsOwnKind() {
        for (String entry : ProtobufBodies.supportedKinds()) {
            int slash = entry.lastIndexOf('/');
            String apiVersion = entry.substring(0, slash);
            String kind = entry.substring(slash + 1);
            Message empty = com.google.protobuf.DynamicMessage.newBuilder(ProtobufKinds.messageFor(apiVersion, kind))
                    .setField(ProtobufKinds.messageFor(apiVersion, kind).findFieldByName("metadata"),
                            meta("x").build())
                    .build();

            ObjectNode decoded = ProtobufBodies.decode(body(apiVersion, kind, empty));

            assertThat(decoded.get("kind").textValue()).as(entry).isEqualTo(kind);
            assertThat(decoded.at("/metadata/name").textValue()).as(entry).isEqualTo("x");
        }
    }

    @Test
    void missingMagicIsRefused() {
        byte[] json = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ProtobufBodies.decode(json))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k8s\\0");
        assertThatThrownBy(() -> ProtobufBodies.decode(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k8s\\0");
        assertThatThrownBy(() -> ProtobufBodies.decode(new byte[] {'k', '8', 's'}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k8s\\0");
    }

    @Test
    void unknownKindIsRefused() {
        V1.ConfigMap configMap = V1.ConfigMap.newBuilder().setMetadata(meta("x")).build();

        assertThatThrownBy(() -> ProtobufBodies.decode(body("v1", "Frobnicator", configMap)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no protobuf decoding for apiVersion \"v1\", kind \"Frobnicator\"");
        assertThatThrownBy(() -> ProtobufBodies.decode(body("apps/v2", "Deployment", configMap)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apps/v2");
        assertThatThrownBy(() -> ProtobufBodies.decode(body("", "", configMap)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without apiVersion and kind");
    }

    @Test
    void anEnvelopeWithoutApiVersionOrKindTakesTheEndpointsAsCopyKindDefaultsDoes() {
        V1.ConfigMap configMap = V1.ConfigMap.newBuilder().setMetadata(meta("x")).putData("k", "v").build();

        ObjectNode neither = ProtobufBodies.decode(body("", "", configMap), "v1", "ConfigMap");
        assertThat(neither.get("apiVersion").textValue()).isEqualTo("v1");
        assertThat(neither.get("kind").textValue()).isEqualTo("ConfigMap");
        assertThat(neither.at("/data/k").textValue()).isEqualTo("v");
        assertThat(ProtobufBodies.decode(body("v1", "", configMap), "v1", "ConfigMap").get("kind").textValue())
                .isEqualTo("ConfigMap");
        // What the envelope names is kept, for the endpoint to refuse when it is another kind.
        ObjectNode secret = ProtobufBodies.decode(body("", "Secret", V1.Secret.newBuilder().setMetadata(meta("s"))
                .build()), "v1", "ConfigMap");
        assertThat(secret.get("kind").textValue()).isEqualTo("Secret");
        assertThat(secret.get("apiVersion").textValue()).isEqualTo("v1");
    }

    @Test
    void truncatedBytesAreRefused() {
        byte[] whole = body("apps/v1", "Deployment", deployment("myapp", 2));

        // Every cut inside typeMeta or raw; the last 4 bytes are the empty contentEncoding and contentType fields,
        // whose absence is a valid envelope.
        for (int length = 5; length < whole.length - 4; length++) {
            byte[] truncated = Arrays.copyOf(whole, length);
            assertThatThrownBy(() -> ProtobufBodies.decode(truncated)).as("length " + length)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageMatching("malformed protobuf .*|protobuf envelope for apps/v1 Deployment without an object");
        }
    }

    @Test
    void truncatedObjectInsideAWellFormedEnvelopeIsRefused() {
        ByteString raw = deployment("myapp", 2).toByteString();
        byte[] body = body("apps/v1", "Deployment", V1.ConfigMap.getDefaultInstance());
        Runtime.Unknown unknown = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion("apps/v1").setKind("Deployment"))
                .setRaw(raw.substring(0, raw.size() - 7)).build();
        byte[] framed = new byte[4 + unknown.getSerializedSize()];
        System.arraycopy(body, 0, framed, 0, 4);
        System.arraycopy(unknown.toByteArray(), 0, framed, 4, unknown.getSerializedSize());

        assertThatThrownBy(() -> ProtobufBodies.decode(framed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed protobuf apps/v1 Deployment");
    }

    @Test
    void emptyObjectIsAllowed() {
        // An empty DeleteOptions has no fields on the wire; raw is present but empty.
        ObjectNode decoded = ProtobufBodies.decode(body("v1", "DeleteOptions", Meta.DeleteOptions.getDefaultInstance()));

        assertThat(decoded.size()).isEqualTo(2);
    }

    @Test
    void contentEncodingIsRefused() {
        Runtime.Unknown unknown = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion("v1").setKind("ConfigMap"))
                .setRaw(V1.ConfigMap.getDefaultInstance().toByteString()).setContentEncoding("gzip").build();
        byte[] framed = new byte[4 + unknown.getSerializedSize()];
        framed[0] = 'k';
        framed[1] = '8';
        framed[2] = 's';
        System.arraycopy(unknown.toByteArray(), 0, framed, 4, unknown.getSerializedSize());

        assertThatThrownBy(() -> ProtobufBodies.decode(framed))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gzip");
    }
}
