package io.drover.api.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Kubernetes' defaults of a PodSpec (pkg/apis/core/v1/defaults.go: SetDefaults_PodSpec, _Container, _Probe,
 * _HTTPGetAction, _Volume and the declarative ones such as ContainerPort.protocol), shared by Pods and the pod
 * templates of Deployments and ReplicaSets. {@link #applyPodOnly} adds what Kubernetes sets on Pods but not on
 * templates (SetDefaults_Pod).
 */
final class PodSpecDefaults {
    private static final List<String> PROBES = List.of("livenessProbe", "readinessProbe", "startupProbe");
    private static final List<String> CONTAINER_LISTS = List.of("initContainers", "containers", "ephemeralContainers");
    private static final int DEFAULT_MODE = 0644;
    /** A projected service account token's lifetime when none is asked for: an hour. */
    private static final int TOKEN_EXPIRATION_SECONDS = 3600;

    private PodSpecDefaults() {}

    static void apply(ObjectNode spec) {
        if (spec == null) {
            return;
        }
        Nodes.dropZeros(spec, "hostNetwork", "hostPID", "hostIPC");
        Nodes.defaultText(spec, "dnsPolicy", "ClusterFirst");
        Nodes.defaultText(spec, "restartPolicy", "Always");
        Nodes.objectOrNew(spec, "securityContext");
        Nodes.defaultPointer(spec, "terminationGracePeriodSeconds", 30);
        Nodes.defaultText(spec, "schedulerName", "default-scheduler");
        for (String list : CONTAINER_LISTS) {
            Nodes.objects(spec, list).forEach(PodSpecDefaults::container);
        }
        Nodes.objects(spec, "volumes").forEach(PodSpecDefaults::volume);
    }

    static void applyPodOnly(ObjectNode spec) {
        if (spec == null) {
            return;
        }
        mirrorServiceAccount(spec);
        if (spec.get("enableServiceLinks") == null || spec.get("enableServiceLinks").isNull()) {
            spec.put("enableServiceLinks", true);
        }
        for (String list : List.of("containers", "initContainers")) {
            for (ObjectNode c : Nodes.objects(spec, list)) {
                requestsFromLimits(c);
                if (Nodes.isTrue(spec, "hostNetwork")) {
                    for (ObjectNode port : Nodes.objects(c, "ports")) {
                        if (Nodes.unsetOrZero(port, "hostPort") && port.has("containerPort")) {
                            port.set("hostPort", port.get("containerPort"));
                        }
                    }
                }
            }
        }
    }

    /**
     * The v1 conversion of a pod: the deprecated {@code serviceAccount} is an alias of {@code serviceAccountName},
     * which wins; each is served as the other. (Not on templates: their hash would change for every Deployment.)
     */
    private static void mirrorServiceAccount(ObjectNode spec) {
        String name = spec.path("serviceAccountName").asText("");
        if (name.isEmpty()) {
            name = spec.path("serviceAccount").asText("");
        }
        if (!name.isEmpty()) {
            spec.put("serviceAccountName", name);
            spec.put("serviceAccount", name);
        }
    }

    private static void requestsFromLimits(ObjectNode container) {
        ObjectNode resources = Nodes.object(container, "resources");
        ObjectNode limits = Nodes.object(resources, "limits");
        if (limits == null || limits.isEmpty()) {
            return;
        }
        ObjectNode requests = Nodes.objectOrNew(resources, "requests");
        limits.properties().forEach(e -> {
            if (!requests.has(e.getKey())) {
                requests.set(e.getKey(), e.getValue().deepCopy());
            }
        });
    }

    private static void container(ObjectNode c) {
        Nodes.dropZeros(c, "stdin", "stdinOnce", "tty");
        // drover: the process runtime runs a command without an image; then there is nothing to pull.
        if (Nodes.unset(c, "imagePullPolicy") && !Nodes.text(c, "image").isEmpty()) {
            c.put("imagePullPolicy", "latest".equals(imageTag(Nodes.text(c, "image"))) ? "Always" : "IfNotPresent");
        }
        Nodes.defaultText(c, "terminationMessagePath", "/dev/termination-log");
        Nodes.defaultText(c, "terminationMessagePolicy", "File");
        for (ObjectNode port : Nodes.objects(c, "ports")) {
            Nodes.dropZeros(port, "hostPort");
            Nodes.defaultText(port, "protocol", "TCP");
        }
        for (String probe : PROBES) {
            ObjectNode p = Nodes.object(c, probe);
            if (p != null) {
                probe(p);
            }
        }
        ObjectNode lifecycle = Nodes.object(c, "lifecycle");
        for (String hook : List.of("postStart", "preStop")) {
            httpGet(Nodes.object(Nodes.object(lifecycle, hook), "httpGet"));
        }
        for (ObjectNode env : Nodes.objects(c, "env")) {
            ObjectNode fieldRef = Nodes.object(Nodes.object(env, "valueFrom"), "fieldRef");
            if (fieldRef != null) {
                Nodes.defaultText(fieldRef, "apiVersion", "v1");
            }
        }
        Nodes.objects(c, "volumeMounts").forEach(m -> Nodes.dropZeros(m, "readOnly"));
    }

    private static void probe(ObjectNode p) {
        Nodes.dropZeros(p, "initialDelaySeconds");
        Nodes.defaultNumber(p, "timeoutSeconds", 1);
        Nodes.defaultNumber(p, "periodSeconds", 10);
        Nodes.defaultNumber(p, "successThreshold", 1);
        Nodes.defaultNumber(p, "failureThreshold", 3);
        httpGet(Nodes.object(p, "httpGet"));
    }

    private static void httpGet(ObjectNode action) {
        if (action != null) {
            Nodes.defaultText(action, "path", "/");
            Nodes.defaultText(action, "scheme", "HTTP");
        }
    }

    private static void volume(ObjectNode v) {
        boolean hasSource = false;
        for (var e : v.properties()) {
            hasSource |= !e.getKey().equals("name") && e.getValue() != null && !e.getValue().isNull();
        }
        if (!hasSource) {
            v.putObject("emptyDir");
        }
        for (String source : List.of("secret", "configMap", "downwardAPI", "projected")) {
            ObjectNode s = Nodes.object(v, source);
            if (s != null) {
                Nodes.defaultPointer(s, "defaultMode", DEFAULT_MODE);
            }
        }
        // SetDefaults_ServiceAccountTokenProjection: a projected token lasts an hour unless asked otherwise.
        for (ObjectNode projection : Nodes.objects(Nodes.object(v, "projected"), "sources")) {
            ObjectNode token = Nodes.object(projection, "serviceAccountToken");
            if (token != null) {
                Nodes.defaultPointer(token, "expirationSeconds", TOKEN_EXPIRATION_SECONDS);
            }
        }
        ObjectNode hostPath = Nodes.object(v, "hostPath");
        if (hostPath != null && !hostPath.has("type")) {
            hostPath.put("type", "");
        }
    }

    /**
     * The tag of an image reference as Kubernetes' parsers.ParseImageName finds it: "latest" when there is
     * neither tag nor digest, "" when there is only a digest.
     */
    static String imageTag(String image) {
        String name = image;
        boolean digest = false;
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
            digest = true;
        }
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            return name.substring(colon + 1);
        }
        return digest ? "" : "latest";
    }
}
