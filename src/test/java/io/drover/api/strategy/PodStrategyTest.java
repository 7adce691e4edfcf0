package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodStrategyTest {
    private final PodStrategy strategy = new PodStrategy();
    /** What DefaultTolerationSeconds adds to a pod that tolerates neither taint. */
    private static final String DEFAULT_TOLERATIONS = " tolerations: [{key: 'node.kubernetes.io/not-ready',"
            + " operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300}, {key: 'node.kubernetes.io/unreachable',"
            + " operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300}]";

    private ObjectNode defaulted(String spec) {
        ObjectNode pod = Json.parse("{metadata: {name: 'p'}, spec: " + spec + "}");
        strategy.applyDefaults(pod);
        return pod;
    }

    private List<String> create(String spec) {
        return Json.printed(strategy.validateCreate(defaulted(spec)));
    }

    private String qosOf(String spec) {
        ObjectNode pod = defaulted(spec);
        pod.putObject("status").put("phase", "Running");
        strategy.applyCreateDefaults(pod);
        assertThat(pod.path("status").path("phase").asText()).isEqualTo("Pending");
        return pod.path("status").path("qosClass").asText();
    }

    @Test
    void aNewPodIsPendingWithItsQosClassAsKubeApiserverWritesIt() {
        assertThat(qosOf("{containers: [{name: 'a'}]}")).isEqualTo("BestEffort");
        assertThat(qosOf("{containers: [{name: 'a', resources: {requests: {cpu: '0'}}}]}")).isEqualTo("BestEffort");
        assertThat(qosOf("{containers: [{name: 'a', resources: {requests: {memory: '64Mi'}}}]}")).isEqualTo("Burstable");
        // Limits alone default the requests to them: Guaranteed.
        assertThat(qosOf("{containers: [{name: 'a', resources: {limits: {cpu: '500m', memory: '64Mi'}}}]}"))
                .isEqualTo("Guaranteed");
        assertThat(qosOf("{containers: [{name: 'a', resources: {limits: {cpu: '500m', memory: '64Mi'},"
                + " requests: {cpu: '250m'}}}]}")).isEqualTo("Burstable");
        assertThat(qosOf("{containers: [{name: 'a', resources: {limits: {cpu: '1'}}}]}")).isEqualTo("Burstable");
        // Every container counts, init ones too.
        assertThat(qosOf("{containers: [{name: 'a', resources: {limits: {cpu: '1', memory: '1Gi'}}}],"
                + " initContainers: [{name: 'i'}]}")).isEqualTo("Burstable");
    }

    @Test
    void aNewPodToleratesANodeNotReadyOrUnreachableFor300Seconds() {
        ObjectNode plain = defaulted("{containers: [{name: 'a'}]}");
        strategy.applyCreateDefaults(plain);
        assertThat(plain.path("spec").path("tolerations").toString()).isEqualTo("[{\"key\":\"node.kubernetes.io/"
                + "not-ready\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300},"
                + "{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\",\"effect\":\"NoExecute\","
                + "\"tolerationSeconds\":300}]");
        // One it tolerates already (any key with NoExecute, or that key with any effect) is not added.
        ObjectNode own = defaulted("{containers: [{name: 'a'}], tolerations: [{key: 'node.kubernetes.io/unreachable',"
                + " operator: 'Exists'}]}");
        strategy.applyCreateDefaults(own);
        assertThat(own.path("spec").path("tolerations").findValuesAsText("key"))
                .containsExactly("node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready");
        ObjectNode everything = defaulted("{containers: [{name: 'a'}], tolerations: [{operator: 'Exists'}]}");
        strategy.applyCreateDefaults(everything);
        assertThat(everything.path("spec").path("tolerations")).hasSize(1);
    }

    @Test
    void aDeletionCostIsAnInt32WithoutPlusSignOrLeadingZero() {
        for (String valid : List.of("0", "-0", "1000", "-2147483648", "2147483647", "-007")) {
            ObjectNode pod = defaulted("{containers: [{name: 'a'}]}");
            pod.withObject("metadata").putObject("annotations").put("controller.kubernetes.io/pod-deletion-cost", valid);
            assertThat(Json.printed(strategy.validateCreate(pod))).as(valid).isEmpty();
        }
        for (String invalid : List.of("", "+5", "08", "2147483648", "1.5", "abc", "١٢")) {
            ObjectNode pod = defaulted("{containers: [{name: 'a'}]}");
            pod.withObject("metadata").putObject("annotations").put("controller.kubernetes.io/pod-deletion-cost", invalid);
            assertThat(Json.printed(strategy.validateCreate(pod))).as(invalid).containsExactly(
                    "metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: \"" + invalid
                            + "\": must be a 32bit integer");
        }
    }

    @Test
    void userAndGroupIdsAreKubernetesRange() {
        assertThat(create("{securityContext: {runAsUser: -1, supplementalGroups: [5, -5]},"
                + " containers: [{name: 'a', securityContext: {runAsGroup: 3000000000, runAsUser: 1000}}]}"))
                .containsExactlyInAnyOrder(
                        "spec.containers[0].securityContext.runAsGroup: Invalid value: 3000000000: must be between 0 "
                                + "and 2147483647, inclusive",
                        "spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive",
                        "spec.securityContext.supplementalGroups[1]: Invalid value: -5: must be between 0 and "
                                + "2147483647, inclusive");
    }

    @Test
    void fillsKubernetesDefaults() {
        ObjectNode pod = defaulted("{containers: [{name: 'web', image: 'nginx', ports: [{containerPort: 80}],"
                + " livenessProbe: {httpGet: {port: 80}}, readinessProbe: {exec: {command: ['true']}}}]}");
        assertThat(pod.get("spec")).isEqualTo(Json.parse("{containers: [{name: 'web', image: 'nginx',"
                + " ports: [{containerPort: 80, protocol: 'TCP'}],"
                + " livenessProbe: {httpGet: {port: 80, path: '/', scheme: 'HTTP'}, timeoutSeconds: 1,"
                + " periodSeconds: 10, successThreshold: 1, failureThreshold: 3},"
                + " readinessProbe: {exec: {command: ['true']}, timeoutSeconds: 1, periodSeconds: 10,"
                + " successThreshold: 1, failureThreshold: 3},"
                + " imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log',"
                + " terminationMessagePolicy: 'File'}],"
                + " dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', securityContext: {},"
                + " terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler', enableServiceLinks: true,"
                + DEFAULT_TOLERATIONS + "}"));
    }

    @Test
    void keepsGivenValues() {
        ObjectNode spec = (ObjectNode) defaulted("{restartPolicy: 'Never', dnsPolicy: 'Default',"
                + " terminationGracePeriodSeconds: 0, schedulerName: 'mine', securityContext: {runAsUser: 1},"
                + " enableServiceLinks: false, containers: [{name: 'a', image: 'x:latest', imagePullPolicy: 'Never',"
                + " terminationMessagePath: '/m', terminationMessagePolicy: 'FallbackToLogsOnError',"
                + " ports: [{containerPort: 53, protocol: 'UDP'}], livenessProbe: {tcpSocket: {port: 1},"
                + " timeoutSeconds: 5, periodSeconds: 6, successThreshold: 1, failureThreshold: 7}}]}").get("spec");
        assertThat(spec).isEqualTo(Json.parse("{restartPolicy: 'Never', dnsPolicy: 'Default',"
                + " terminationGracePeriodSeconds: 0, schedulerName: 'mine', securityContext: {runAsUser: 1},"
                + " enableServiceLinks: false, containers: [{name: 'a', image: 'x:latest', imagePullPolicy: 'Never',"
                + " terminationMessagePath: '/m', terminationMessagePolicy: 'FallbackToLogsOnError',"
                + " ports: [{containerPort: 53, protocol: 'UDP'}], livenessProbe: {tcpSocket: {port: 1},"
                + " timeoutSeconds: 5, periodSeconds: 6, successThreshold: 1, failureThreshold: 7}}], "
                + DEFAULT_TOLERATIONS + "}"));
    }

    @Test
    void pullPolicyFollowsTheTag() {
        assertThat(pullPolicy("nginx")).isEqualTo("Always");
        assertThat(pullPolicy("nginx:latest")).isEqualTo("Always");
        assertThat(pullPolicy("nginx:1.27")).isEqualTo("IfNotPresent");
        assertThat(pullPolicy("localhost:5000/app")).isEqualTo("Always");
        assertThat(pullPolicy("localhost:5000/app:v2")).isEqualTo("IfNotPresent");
        assertThat(pullPolicy("app@sha256:abc")).isEqualTo("IfNotPresent");
        ObjectNode processPod = defaulted("{runtimeClassName: 'process', containers: [{name: 'a', command: ['sleep']}]}");
        assertThat(processPod.path("spec").path("containers").get(0).has("imagePullPolicy")).isFalse();
    }

    private String pullPolicy(String image) {
        return defaulted("{containers: [{name: 'a', image: '" + image + "'}]}")
                .path("spec").path("containers").get(0).path("imagePullPolicy").asText();
    }

    @Test
    void dropsTheZeroScalarsOfProtobufBodies() {
        ObjectNode spec = (ObjectNode) defaulted("{hostNetwork: false, containers: [{name: 'a', image: 'x:1',"
                + " stdin: false, stdinOnce: false, tty: false, ports: [{containerPort: 80, hostPort: 0}],"
                + " livenessProbe: {tcpSocket: {port: 80}, timeoutSeconds: 0, initialDelaySeconds: 0}}]}").get("spec");
        assertThat(spec.has("hostNetwork")).isFalse();
        ObjectNode c = (ObjectNode) spec.get("containers").get(0);
        assertThat(c.has("stdin") || c.has("stdinOnce") || c.has("tty")).isFalse();
        assertThat(c.get("ports").get(0).has("hostPort")).isFalse();
        assertThat(c.path("livenessProbe").path("timeoutSeconds").asInt()).isEqualTo(1);
        assertThat(c.path("livenessProbe").has("initialDelaySeconds")).isFalse();
    }

    @Test
    void hostNetworkPodsGetHostPortsAndRequestsComeFromLimits() {
        ObjectNode c = (ObjectNode) defaulted("{hostNetwork: true, containers: [{name: 'a', image: 'x:1',"
                + " ports: [{containerPort: 8080}], resources: {limits: {cpu: '1'}}}]}").path("spec").path("containers").get(0);
        assertThat(c.path("ports").get(0).path("hostPort").asInt()).isEqualTo(8080);
        assertThat(c.path("resources").path("requests")).isEqualTo(Json.parse("{cpu: '1'}"));
    }

    @Test
    void volumesWithoutASourceAreEmptyDirsAndModesDefault() {
        ObjectNode spec = (ObjectNode) defaulted("{containers: [{name: 'a', image: 'x:1'}],"
                + " volumes: [{name: 'scratch'}, {name: 's', secret: {secretName: 's'}}]}").get("spec");
        assertThat(spec.get("volumes")).isEqualTo(Json.parse("{v: [{name: 'scratch', emptyDir: {}},"
                + " {name: 's', secret: {secretName: 's', defaultMode: 420}}]}").get("v"));
    }

    @Test
    void requiresContainers() {
        assertThat(create("{}")).containsExactly("spec.containers: Required value");
        assertThat(strategy.validateCreate(Json.parse("{spec: {}}"))).extracting(Cause::reason)
                .contains("FieldValueRequired");
    }

    @Test
    void requiresUniqueValidContainerNamesAndImages() {
        assertThat(create("{containers: [{image: 'x:1'}]}")).containsExactly("spec.containers[0].name: Required value");
        assertThat(create("{containers: [{name: 'a', image: 'x:1'}, {name: 'a', image: 'x:1'}]}"))
                .containsExactly("spec.containers[1].name: Duplicate value: \"a\"");
        assertThat(create("{containers: [{name: 'A_b', image: 'x:1'}]}")).containsExactly("spec.containers[0].name: "
                + "Invalid value: \"A_b\": a lowercase RFC 1123 label must consist of lower case alphanumeric "
                + "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
                + "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
        assertThat(create("{runtimeClassName: 'docker', containers: [{name: 'a'}]}"))
                .containsExactly("spec.containers[0].image: Required value");
        // Without a runtimeClassName the node's default runtime decides; process needs no image.
        assertThat(create("{containers: [{name: 'a', command: ['sleep', '1']}]}")).isEmpty();
        assertThat(create("{runtimeClassName: 'process', containers: [{name: 'a', command: ['sleep', '1']}]}")).isEmpty();
    }

    @Test
    void aNameThatAnInitContainerSharesWithAContainerIsTheInitContainersDuplicate() {
        assertThat(create("{initContainers: [{name: 'a'}], containers: [{name: 'a'}]}"))
                .containsExactly("spec.initContainers[0].name: Duplicate value: \"a\"");
    }

    @Test
    void onlySidecarsMayHaveProbesAndLifecycleAmongInitContainersAndOnlyInitContainersARestartPolicy() {
        assertThat(create("{initContainers: [{name: 'i', livenessProbe: {exec: {command: ['true']}},"
                + " lifecycle: {postStart: {exec: {command: ['true']}}}}, {name: 'j', restartPolicy: 'OnFailure',"
                + " startupProbe: {exec: {command: ['true']}}}], containers: [{name: 'a', restartPolicy: 'Always'}]}"))
                .containsExactly(
                        "spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers",
                        "spec.initContainers[0].lifecycle: Forbidden: may not be set for init containers without "
                                + "restartPolicy=Always",
                        "spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without "
                                + "restartPolicy=Always",
                        "spec.initContainers[1].restartPolicy: Unsupported value: \"OnFailure\": supported values: "
                                + "\"Always\"",
                        "spec.initContainers[1].startupProbe: Forbidden: may not be set for init containers without "
                                + "restartPolicy=Always");
        // A sidecar's probes are checked as a container's.
        assertThat(create("{initContainers: [{name: 's', restartPolicy: 'Always', readinessProbe: {exec: {command:"
                + " ['true']}}, livenessProbe: {periodSeconds: 1}}], containers: [{name: 'a'}]}"))
                .containsExactly("spec.initContainers[0].livenessProbe: Required value: must specify a handler type");
    }

    @Test
    void checksTheEnvironmentAsKubernetes132() {
        assertThat(create("{containers: [{name: 'a', env: [{name: '1BAD=', value: 'x'}, {name: '1.ok-name'},"
                + " {name: 'C', valueFrom: {}}, {name: 'D', value: 'v', valueFrom: {fieldRef: {fieldPath:"
                + " 'metadata.name'}}}, {name: 'E', valueFrom: {fieldRef: {fieldPath: 'status.phase'},"
                + " configMapKeyRef: {name: 'cm', key: 'k'}}}, {name: 'F', valueFrom: {configMapKeyRef: {name: '',"
                + " key: 'bad key'}}}, {name: 'G', valueFrom: {fieldRef: {fieldPath: 'spec.nope'}}},"
                + " {name: 'H', valueFrom: {resourceFieldRef: {resource: 'limits.gpu'}}}],"
                + " envFrom: [{prefix: 'P=', configMapRef: {name: 'Cm'}}, {}]}]}")).containsExactly(
                "spec.containers[0].env[0].name: Invalid value: \"1BAD=\": a valid environment variable name must "
                        + "consist only of printable ASCII characters other than '='",
                "spec.containers[0].env[2].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, "
                        + "`resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
                "spec.containers[0].env[3].valueFrom: Invalid value: \"\": may not be specified when `value` is not "
                        + "empty",
                "spec.containers[0].env[4].valueFrom.fieldRef.fieldPath: Unsupported value: \"status.phase\": "
                        + "supported values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", "
                        + "\"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", "
                        + "\"status.podIP\", \"status.podIPs\"",
                "spec.containers[0].env[4].valueFrom: Invalid value: \"\": may not have more than one field "
                        + "specified at a time",
                "spec.containers[0].env[5].valueFrom.configMapKeyRef.name: Invalid value: \"\": a lowercase RFC 1123 "
                        + "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and "
                        + "end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                "spec.containers[0].env[5].valueFrom.configMapKeyRef.key: Invalid value: \"bad key\": a valid config "
                        + "key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
                        + "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                "spec.containers[0].env[6].valueFrom.fieldRef.fieldPath: Invalid value: \"spec.nope\": error "
                        + "converting fieldPath: field label not supported: spec.nope",
                "spec.containers[0].env[7].valueFrom.resourceFieldRef.resource: Unsupported value: \"limits.gpu\": "
                        + "supported values: \"limits.cpu\", \"limits.ephemeral-storage\", \"limits.memory\", "
                        + "\"requests.cpu\", \"requests.ephemeral-storage\", \"requests.memory\"",
                "spec.containers[0].envFrom[0].prefix: Invalid value: \"P=\": a valid environment variable name must "
                        + "consist only of printable ASCII characters other than '='",
                "spec.containers[0].envFrom[0].configMapRef.name: Invalid value: \"Cm\": a lowercase RFC 1123 "
                        + "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and "
                        + "end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                "spec.containers[0].envFrom: Invalid value: \"\": must specify one of: `configMapRef` or "
                        + "`secretRef`");
        // The downward API's labels and annotations, and every field an environment variable may take.
        assertThat(create("{containers: [{name: 'a', env: [{name: 'A', valueFrom: {fieldRef: {fieldPath:"
                + " \"metadata.labels['app']\"}}}, {name: 'B', valueFrom: {fieldRef: {fieldPath: 'status.podIPs'}}},"
                + " {name: 'C', valueFrom: {resourceFieldRef: {resource: 'limits.memory'}}},"
                + " {name: 'D', valueFrom: {secretKeyRef: {name: 's', key: 'k'}}}],"
                + " envFrom: [{secretRef: {name: 's'}}]}]}")).isEmpty();
    }

    @Test
    void volumeMountsNameAVolumeAndAMountPointOnce() {
        assertThat(create("{volumes: [{name: 'data', emptyDir: {}}], containers: [{name: 'a', volumeMounts:"
                + " [{name: 'missing', mountPath: '/x'}, {name: 'data', mountPath: '/x'}, {name: 'data'}]}]}"))
                .containsExactly(
                        "spec.containers[0].volumeMounts[0].name: Not found: \"missing\"",
                        "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/x\": must be unique",
                        "spec.containers[0].volumeMounts[2].mountPath: Required value");
    }

    @Test
    void requestsMayNotExceedLimitsAndResourcesAreAContainers() {
        assertThat(create("{containers: [{name: 'a', resources: {requests: {cpu: '2', memory: '-1Mi'},"
                + " limits: {cpu: '1', gpu: '1', 'example.com/dongle': '1'}}}, {name: 'b', resources: {requests:"
                + " {'example.com/dongle': '2'}}}]}")).containsExactlyInAnyOrder(
                "spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard resource type "
                        + "or fully qualified",
                "spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard resource for "
                        + "containers",
                "spec.containers[0].resources.requests[memory]: Invalid value: \"-1Mi\": must be greater than or "
                        + "equal to 0",
                // Defaulted from the limit, as Kubernetes defaults requests before it validates.
                "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource type "
                        + "or fully qualified",
                "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource for "
                        + "containers",
                "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit "
                        + "of 1",
                "spec.containers[1].resources.limits: Required value: Limit must be set for non overcommitable "
                        + "resources");
        assertThat(create("{containers: [{name: 'a', resources: {requests: {cpu: '500m', memory: '64Mi'},"
                + " limits: {cpu: '1', memory: '64Mi', 'example.com/dongle': '1'}}}]}")).isEmpty();
    }

    @Test
    void lifecycleHooksHaveOneHandlerEach() {
        assertThat(create("{terminationGracePeriodSeconds: 10, containers: [{name: 'a', lifecycle: {postStart: {},"
                + " preStop: {exec: {}, httpGet: {port: 80}}}}, {name: 'b', lifecycle: {preStop: {sleep: {seconds: 11}},"
                + " postStart: {sleep: {}}}}]}"))
                .containsExactly(
                        "spec.containers[0].lifecycle.postStart: Required value: must specify a handler type",
                        "spec.containers[0].lifecycle.preStop.exec.command: Required value",
                        "spec.containers[0].lifecycle.preStop.httpGet: Forbidden: may not specify more than 1 handler type",
                        "spec.containers[1].lifecycle.postStart.sleep: Invalid value: 0: must be greater than 0 and "
                                + "less than terminationGracePeriodSeconds (10)",
                        "spec.containers[1].lifecycle.preStop.sleep: Invalid value: 11: must be greater than 0 and less "
                                + "than terminationGracePeriodSeconds (10)");
    }

    @Test
    void volumesHaveOneValidSource() {
        assertThat(create("{volumes: [{name: 'a', emptyDir: {}, hostPath: {path: '/tmp'}},"
                + " {name: 'b', configMap: {defaultMode: 1000, items: [{key: '', path: '../a'}, {key: 'k', path: '/abs'}]}},"
                + " {name: 'c', secret: {defaultMode: -1}}, {name: 'd', hostPath: {path: '/x', type: 'Foo'}},"
                + " {name: 'e', persistentVolumeClaim: {}}, {name: 'f', emptyDir: {sizeLimit: '-1Gi'}},"
                + " {name: 'g', projected: {sources: [{serviceAccountToken: {expirationSeconds: 60, path: 't'}}]}}],"
                + " containers: [{name: 'a'}]}")).containsExactly(
                "spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type",
                "spec.volumes[1].configMap.name: Required value",
                "spec.volumes[1].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 "
                        + "(octal), both inclusive",
                "spec.volumes[1].configMap.items[0].key: Required value",
                "spec.volumes[1].configMap.items[0].path: Invalid value: \"../a\": must not contain '..'",
                "spec.volumes[1].configMap.items[1].path: Invalid value: \"/abs\": must be a relative path",
                "spec.volumes[2].secret.secretName: Required value",
                "spec.volumes[2].secret.defaultMode: Invalid value: -1: must be a number between 0 and 0777 (octal), "
                        + "both inclusive",
                "spec.volumes[3].hostPath.type: Unsupported value: \"Foo\": supported values: \"\", \"BlockDevice\", "
                        + "\"CharDevice\", \"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\"",
                "spec.volumes[4].persistentVolumeClaim.claimName: Required value",
                "spec.volumes[5].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity",
                "spec.volumes[6].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may "
                        + "not specify a duration less than 10 minutes");
    }

    /** SetDefaults_ServiceAccountTokenProjection and validateProjectionSources' checks of a projected token. */
    @Test
    void aProjectedTokenLastsAnHourByDefaultAndHasALocalPath() {
        ObjectNode pod = defaulted("{volumes: [{name: 'a', projected: {sources: [{serviceAccountToken: {path: 't'}},"
                + " {serviceAccountToken: {path: 'u', expirationSeconds: 7200}}]}}], containers: [{name: 'a'}]}");
        assertThat(pod.at("/spec/volumes/0/projected/sources/0/serviceAccountToken/expirationSeconds").asLong())
                .isEqualTo(3600);
        assertThat(pod.at("/spec/volumes/0/projected/sources/1/serviceAccountToken/expirationSeconds").asLong())
                .isEqualTo(7200);
        assertThat(Json.printed(strategy.validateCreate(pod))).isEmpty();

        assertThat(create("{volumes: [{name: 'a', projected: {sources: [{serviceAccountToken: {}},"
                + " {serviceAccountToken: {path: '../a'}}, {serviceAccountToken: {path: '/abs'}},"
                + " {serviceAccountToken: {path: '..data', expirationSeconds: 4294967297}},"
                + " {serviceAccountToken: {path: 'ok', expirationSeconds: 0}}]}}], containers: [{name: 'a'}]}"))
                .containsExactly(
                        "spec.volumes[0].projected.path: Required value",
                        "spec.volumes[0].projected.path: Invalid value: \"../a\": must not contain '..'",
                        "spec.volumes[0].projected.path: Invalid value: \"/abs\": must be a relative path",
                        "spec.volumes[0].projected.sources[3].serviceAccountToken.expirationSeconds: Invalid value: "
                                + "4294967297: may not specify a duration larger than 2^32 seconds",
                        "spec.volumes[0].projected.path: Invalid value: \"..data\": must not start with '..'",
                        "spec.volumes[0].projected.sources[4].serviceAccountToken.expirationSeconds: Invalid value: 0: "
                                + "may not specify a duration less than 10 minutes");
    }

    @Test
    void dnsNamesAndHostPortsAreKubernetes() {
        assertThat(create("{dnsPolicy: 'None', containers: [{name: 'a'}]}")).containsExactly(
                "spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None");
        assertThat(create("{hostname: 'Bad_Host', serviceAccountName: 'Bad_SA', hostAliases: [{ip: 'not-an-ip',"
                + " hostnames: ['ok.example']}], dnsConfig: {nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9', '::1'],"
                + " searches: ['bad_search!']}, containers: [{name: 'a', ports: [{containerPort: 80, hostPort: 8080}]},"
                + " {name: 'b', ports: [{containerPort: 81, hostPort: 8080}]}]}")).containsExactly(
                "spec.hostname: Invalid value: \"Bad_Host\": a lowercase RFC 1123 label must consist of lower case "
                        + "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. "
                        + "'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                "spec.dnsConfig.nameservers: Invalid value: []string{\"1.1.1.1\", \"8.8.8.8\", \"9.9.9.9\", \"::1\"}: "
                        + "must not have more than 3 nameservers",
                "spec.dnsConfig.searches[0]: Invalid value: \"bad_search!\": a lowercase RFC 1123 subdomain must "
                        + "consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
                        + "alphanumeric character (e.g. 'example.com', regex used for validation is "
                        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                "spec.hostAliases[0].ip: Invalid value: \"not-an-ip\": must be a valid IP address, (e.g. 10.9.8.7 or "
                        + "2001:db8::ffff)",
                "spec.containers[1].ports[0].hostPort: Duplicate value: \"TCP//8080\"",
                "spec.serviceAccountName: Invalid value: \"Bad_SA\": a lowercase RFC 1123 subdomain must consist of "
                        + "lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
                        + "character (e.g. 'example.com', regex used for validation is "
                        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        // A template's host ports are filled in when its pods are made.
        assertThat(Json.printed(PodSpecValidation.validate(Json.parse("{restartPolicy: 'Always', dnsPolicy: 'ClusterFirst',"
                + " hostNetwork: true, containers: [{name: 'a', ports: [{containerPort: 80, protocol: 'TCP'}]}]}"),
                "spec.template.spec")))
                .isEmpty();
        assertThat(create("{hostAliases: [{ip: 'fe80::1%eth0'}, {ip: '[::1]'}, {ip: '::1'}], containers: [{name: 'a'}]}"))
                .containsExactly(
                        "spec.hostAliases[0].ip: Invalid value: \"fe80::1%eth0\": must be a valid IP address, (e.g. "
                                + "10.9.8.7 or 2001:db8::ffff)",
                        "spec.hostAliases[1].ip: Invalid value: \"[::1]\": must be a valid IP address, (e.g. 10.9.8.7 "
                                + "or 2001:db8::ffff)");
        assertThat(create("{hostNetwork: true, containers: [{name: 'a', ports: [{containerPort: 80, hostPort: 81}]}]}"))
                .containsExactly("spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` "
                        + "when `hostNetwork` is true");
    }

    @Test
    void tolerationsAndTheNodeSelectorAreKubernetes() {
        assertThat(create("{nodeSelector: {'bad key!': 'v'}, tolerations: [{key: 'a', operator: 'Equals'},"
                + " {key: 'a', operator: 'Exists', value: 'b'}, {key: 'a', effect: 'NoRun'}, {operator: 'Equal'},"
                + " {key: 'a', effect: 'NoSchedule', tolerationSeconds: 5}], containers: [{name: 'a'}]}"))
                .containsExactly(
                        "spec.nodeSelector: Invalid value: \"bad key!\": name part must consist of alphanumeric "
                                + "characters, '-', '_' or '.', and must start and end with an alphanumeric character "
                                + "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                                + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                        "spec.tolerations[0].operator: Unsupported value: \"Equals\": supported values: \"Equal\", "
                                + "\"Exists\"",
                        "spec.tolerations[1].operator: Invalid value: core.Toleration{Key:\"a\", Operator:\"Exists\", "
                                + "Value:\"b\", Effect:\"\", TolerationSeconds:(*int64)(nil)}: value must be empty when "
                                + "`operator` is 'Exists'",
                        "spec.tolerations[2].effect: Unsupported value: \"NoRun\": supported values: \"NoSchedule\", "
                                + "\"PreferNoSchedule\", \"NoExecute\"",
                        "spec.tolerations[3].operator: Invalid value: \"Equal\": operator must be Exists when `key` is "
                                + "empty, which means \"match all values and all keys\"",
                        "spec.tolerations[4].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when "
                                + "`tolerationSeconds` is set");
    }

    @Test
    void securitySettingsAndTheOsHaveKnownValues() {
        assertThat(create("{shareProcessNamespace: true, hostPID: true, os: {name: 'plan9'}, securityContext: {fsGroup: -1,"
                + " fsGroupChangePolicy: 'Sometimes', seccompProfile: {type: 'Localhost'}, sysctls: [{name: 'bad sysctl'},"
                + " {name: 'net.core.somaxconn'}, {name: 'net.core.somaxconn'}]}, containers: [{name: 'a', securityContext:"
                + " {procMount: 'Weird', seccompProfile: {type: 'Bogus'}}}]}")).containsExactlyInAnyOrder(
                "spec.securityContext.fsGroup: Invalid value: -1: must be between 0 and 2147483647, inclusive",
                "spec.securityContext.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and HostPID "
                        + "cannot both be enabled",
                "spec.securityContext.sysctls[0].name: Invalid value: \"bad sysctl\": must have at most 253 characters "
                        + "and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$",
                "spec.securityContext.sysctls[2].name: Duplicate value: \"net.core.somaxconn\"",
                "spec.securityContext.fsGroupChangePolicy: Unsupported value: \"Sometimes\": supported values: "
                        + "\"Always\", \"OnRootMismatch\"",
                "spec.securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is "
                        + "Localhost",
                "spec.os: Unsupported value: \"plan9\": supported values: \"linux\", \"windows\"",
                "spec.containers[0].securityContext.procMount: Unsupported value: \"Weird\": supported values: "
                        + "\"Default\", \"Unmasked\"",
                "spec.containers[0].securityContext.seccompProfile.type: Unsupported value: \"Bogus\": supported values: "
                        + "\"Localhost\", \"RuntimeDefault\", \"Unconfined\"");
    }

    @Test
    void affinityAndSpreadConstraintsAreWellFormed() {
        assertThat(create("{affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: []},"
                + " preferredDuringSchedulingIgnoredDuringExecution: [{weight: 0, preference: {matchExpressions: [{key: 'k',"
                + " operator: 'Equals', values: ['v']}]}}]}, podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution:"
                + " [{topologyKey: 'kubernetes.io/hostname'}]}}, topologySpreadConstraints: [{maxSkew: 0, topologyKey: 'zone',"
                + " whenUnsatisfiable: 'Maybe'}], containers: [{name: 'a'}]}")).containsExactly(
                "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required "
                        + "value: must have at least one node selector term",
                "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: "
                        + "must be in the range 1-100",
                "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference."
                        + "matchExpressions[0].operator: Invalid value: \"Equals\": not a valid selector operator",
                "spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero",
                "spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: \"Maybe\": supported values: "
                        + "\"DoNotSchedule\", \"ScheduleAnyway\"");
    }

    @Test
    void podAffinityAndSpreadSelectorsAreLabelSelectors() {
        assertThat(create("{affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey:"
                + " 'zone', labelSelector: {matchExpressions: [{key: 'app', operator: 'In', values: ['web', 'bad value']}]},"
                + " namespaceSelector: {matchExpressions: [{key: 'team', operator: 'Exists', values: ['x']}]}}]},"
                + " podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 5, podAffinityTerm:"
                + " {topologyKey: 'zone', labelSelector: {matchLabels: {'-app': 'web'}}}}]}},"
                + " topologySpreadConstraints: [{maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule',"
                + " labelSelector: {matchExpressions: [{key: 'app', operator: 'Near'}]}}], containers: [{name: 'a'}]}"))
                .satisfiesExactly(
                        c -> assertThat(c).startsWith("spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                                + "[0].labelSelector.matchExpressions[0].values[1]: Invalid value: \"bad value\": a valid "
                                + "label must be an empty string or consist of alphanumeric characters"),
                        c -> assertThat(c).isEqualTo("spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                                + "[0].namespaceSelector.matchExpressions[0].values: Forbidden: may not be specified when "
                                + "`operator` is 'Exists' or 'DoesNotExist'"),
                        c -> assertThat(c).startsWith("spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuring"
                                + "Execution[0].podAffinityTerm.labelSelector.matchLabels: Invalid value: \"-app\": name part "
                                + "must consist of alphanumeric characters"),
                        c -> assertThat(c).isEqualTo("spec.topologySpreadConstraints[0].labelSelector.matchExpressions[0]"
                                + ".operator: Invalid value: \"Near\": not a valid selector operator"));
    }

    @Test
    void checksPoliciesAndPorts() {
        assertThat(create("{restartPolicy: 'Sometimes', containers: [{name: 'a', image: 'x:1'}]}")).containsExactly(
                "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", "
                        + "\"Never\"");
        assertThat(create("{containers: [{name: 'a', image: 'x:1', imagePullPolicy: 'Maybe'}]}")).containsExactly(
                "spec.containers[0].imagePullPolicy: Unsupported value: \"Maybe\": supported values: \"Always\", "
                        + "\"IfNotPresent\", \"Never\"");
        assertThat(create("{containers: [{name: 'a', image: 'x:1', ports: [{containerPort: 70000},"
                + " {containerPort: 81, protocol: 'ICMP'}, {containerPort: 82, name: 'http'}, {containerPort: 83,"
                + " name: 'http'}]}]}")).containsExactly(
                "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, "
                        + "inclusive",
                "spec.containers[0].ports[1].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", "
                        + "\"TCP\", \"UDP\"",
                "spec.containers[0].ports[3].name: Duplicate value: \"http\"");
    }

    @Test
    void updatesMayChangeImagesDeadlineAndAddTolerations() {
        ObjectNode old = defaulted("{containers: [{name: 'a', image: 'x:1'}], tolerations: [{key: 'k',"
                + " operator: 'Exists'}], activeDeadlineSeconds: 100}");
        ObjectNode updated = defaulted("{containers: [{name: 'a', image: 'x:2'}], tolerations: [{key: 'k',"
                + " operator: 'Exists'}, {key: 'j', operator: 'Exists'}], activeDeadlineSeconds: 50,"
                + " nodeName: 'node-1'}");
        assertThat(strategy.validateUpdate(old, updated)).isEmpty();
    }

    @Test
    void updatesOfOtherSpecFieldsAreForbidden() {
        ObjectNode old = defaulted("{containers: [{name: 'a', image: 'x:1'}]}");
        ObjectNode updated = defaulted("{containers: [{name: 'a', image: 'x:1', ports: [{containerPort: 80}]}]}");
        List<Cause> causes = strategy.validateUpdate(old, updated);
        assertThat(causes).containsExactly(new Cause("FieldValueForbidden", "Forbidden: pod updates may not change "
                + "fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,"
                + "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
                + "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
                "spec"));
        ObjectNode removedToleration = defaulted("{containers: [{name: 'a', image: 'x:1'}]}");
        ObjectNode withToleration = defaulted("{containers: [{name: 'a', image: 'x:1'}], tolerations: [{key: 'k'}]}");
        assertThat(Json.printed(strategy.validateUpdate(withToleration, removedToleration))).containsExactly(
                "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds");
        ObjectNode bound = defaulted("{nodeName: 'n1', containers: [{name: 'a', image: 'x:1'}]}");
        ObjectNode rebound = defaulted("{nodeName: 'n2', containers: [{name: 'a', image: 'x:1'}]}");
        assertThat(strategy.validateUpdate(bound, rebound)).extracting(Cause::field).containsExactly("spec");
    }

    @Test
    void activeDeadlineMayOnlyShrink() {
        ObjectNode old = defaulted("{activeDeadlineSeconds: 10, containers: [{name: 'a', image: 'x:1'}]}");
        ObjectNode longer = defaulted("{activeDeadlineSeconds: 20, containers: [{name: 'a', image: 'x:1'}]}");
        assertThat(Json.printed(strategy.validateUpdate(old, longer))).containsExactly(
                "spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value");
    }

    @Test
    void aNewGatedPodIsNotScheduledBecauseOfItsGates() {
        PodStrategy clocked = new PodStrategy(java.time.Clock.fixed(java.time.Instant.parse("2025-03-01T10:00:00.5Z"),
                java.time.ZoneOffset.UTC));
        ObjectNode pod = defaulted("{containers: [{name: 'a'}], schedulingGates: [{name: 'wait'}]}");
        clocked.applyCreateDefaults(pod);
        assertThat(pod.get("status")).isEqualTo(Json.parse("{phase: 'Pending', conditions: [{type: 'PodScheduled',"
                + " status: 'False', lastProbeTime: null, lastTransitionTime: '2025-03-01T10:00:00Z',"
                + " reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates'}],"
                + " qosClass: 'BestEffort'}"));
        ObjectNode plain = defaulted("{containers: [{name: 'a'}]}");
        clocked.applyCreateDefaults(plain);
        assertThat(plain.path("status").has("conditions")).isFalse();
    }

    @Test
    void aNewPodsAffinityLabelKeysBecomeRequirementsOfItsSelectors() {
        ObjectNode pod = Json.parse("{metadata: {labels: {app: 'web', 'pod-template-hash': 'abc'}}, spec: {"
                + "containers: [{name: 'a'}], affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution:"
                + " [{topologyKey: 'kubernetes.io/hostname', labelSelector: {matchLabels: {app: 'web'}},"
                + " matchLabelKeys: ['pod-template-hash', 'missing'], mismatchLabelKeys: ['app']},"
                + " {topologyKey: 'zone', matchLabelKeys: ['app']}]},"
                + " podAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, podAffinityTerm:"
                + " {topologyKey: 'zone', labelSelector: {}, matchLabelKeys: ['app']}}]}}}}");
        new PodStrategy().applyCreateDefaults(pod);
        JsonNode affinity = pod.path("spec").path("affinity");
        assertThat(affinity.path("podAntiAffinity").path("requiredDuringSchedulingIgnoredDuringExecution")).isEqualTo(
                Json.parse("{terms: [{topologyKey: 'kubernetes.io/hostname', labelSelector: {matchLabels: {app: 'web'},"
                        + " matchExpressions: [{key: 'pod-template-hash', operator: 'In', values: ['abc']},"
                        + " {key: 'app', operator: 'NotIn', values: ['web']}]},"
                        + " matchLabelKeys: ['pod-template-hash', 'missing'], mismatchLabelKeys: ['app']},"
                        + " {topologyKey: 'zone', matchLabelKeys: ['app']}]}").get("terms"));
        assertThat(affinity.path("podAffinity").path("preferredDuringSchedulingIgnoredDuringExecution").path(0)
                .path("podAffinityTerm").path("labelSelector")).isEqualTo(Json.parse(
                        "{matchExpressions: [{key: 'app', operator: 'In', values: ['web']}]}"));
    }

    @Test
    void schedulingAndReadinessGatesAreQualifiedNames() {
        String qualified = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end"
                + " with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for"
                + " validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
        assertThat(create("{containers: [{name: 'a'}], schedulingGates: [{name: 'a'}, {name: 'a'}, {name: '-b'}],"
                + " readinessGates: [{conditionType: 'example.com/ready'}, {conditionType: 'not ready'}]}"))
                .containsExactly("spec.schedulingGates[1]: Duplicate value: \"a\"",
                        "spec.schedulingGates[2]: Invalid value: \"-b\": " + qualified,
                        "spec.readinessGates[1].conditionType: Invalid value: \"not ready\": " + qualified);
    }

    @Test
    void nodeAffinityMatchFieldsNameOneNode() {
        assertThat(create("{containers: [{name: 'a'}], affinity: {nodeAffinity: {requiredDuringSchedulingIgnored"
                + "DuringExecution: {nodeSelectorTerms: [{matchFields: [{key: 'metadata.uid', operator: 'In',"
                + " values: ['x']}, {key: 'metadata.name', operator: 'In', values: ['a', 'b']},"
                + " {key: 'metadata.name', operator: 'Exists', values: ['Bad_Name']}]}]}}}}")).containsExactly(
                        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
                                + ".matchFields[0].key: Invalid value: \"metadata.uid\": not a valid field selector key",
                        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
                                + ".matchFields[1].values: Required value: must be only one value when `operator` is"
                                + " 'In' or 'NotIn' for node field selector",
                        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
                                + ".matchFields[2].operator: Invalid value: \"Exists\": not a valid selector operator",
                        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
                                + ".matchFields[2].values[0]: Invalid value: \"Bad_Name\": a lowercase RFC 1123"
                                + " subdomain must consist of lower case alphanumeric characters, '-' or '.', and must"
                                + " start and end with an alphanumeric character (e.g. 'example.com', regex used for"
                                + " validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    }
}
