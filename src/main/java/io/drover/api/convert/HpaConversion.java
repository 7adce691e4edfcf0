package io.drover.api.convert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.json.GoJsonErrors;
import io.drover.json.Mappers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Converts HorizontalPodAutoscalers between autoscaling/v2 (what drover stores) and autoscaling/v1 (what
 * {@code kubectl autoscale} posts and older clients read), as Kubernetes' pkg/apis/autoscaling/v1/conversion.go
 * does.
 *
 * <p>v1 has one metric, {@code spec.targetCPUUtilizationPercentage}, the v2 metric
 * {@code {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: N}}}}. What v1
 * cannot say travels in annotations of the v1 object so that a read-modify-write through v1 loses nothing:
 * <ul>
 *   <li>{@value #METRICS}: the other spec metrics, in the v1 (v2beta1-shaped) MetricSpec JSON;</li>
 *   <li>{@value #CURRENT_METRICS}: all status.currentMetrics, in the v1 MetricStatus JSON;</li>
 *   <li>{@value #CONDITIONS}: status.conditions;</li>
 *   <li>{@value #BEHAVIOR}: spec.behavior, with Go field names as keys ({@code ScaleUp}, {@code Policies}, ...),
 *       because upstream marshals its internal type, which has no JSON tags.</li>
 * </ul>
 * Converting to v2 lifts them back out and removes them. A v1 object with no metric at all gets the implicit
 * v1 default, CPU at 80% utilization, as upstream. Both methods return new objects; their input is not changed.
 *
 * <p>The annotations exist only in v1's form: as every conversion upstream calls
 * DropRoundTripHorizontalPodAutoscalerAnnotations, a v2 write never stores them ({@link #dropRoundTripAnnotations})
 * and a v1 read carries only those its own conversion produced, never stale or client-written ones (which a v1
 * client writing the object back would have failed to send through the conversion).
 */
public final class HpaConversion {

    public static final String V1 = "autoscaling/v1";
    public static final String V2 = "autoscaling/v2";

    public static final String METRICS = "autoscaling.alpha.kubernetes.io/metrics";
    public static final String CURRENT_METRICS = "autoscaling.alpha.kubernetes.io/current-metrics";
    public static final String CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions";
    public static final String BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior";

    /** The target utilization of a v1 HPA without one (autoscaling.DefaultCPUUtilization). */
    public static final int DEFAULT_CPU_UTILIZATION = 80;

    private static final List<String> ROUND_TRIP_ANNOTATIONS = List.of(METRICS, CURRENT_METRICS, CONDITIONS, BEHAVIOR);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = Mappers.json();

    private HpaConversion() {
    }

    /**
     * Removes the v1 round-trip annotations from {@code hpa}, in place, and its annotations when none are left (Go
     * omits an empty map): what DropRoundTripHorizontalPodAutoscalerAnnotations does in every conversion.
     */
    public static void dropRoundTripAnnotations(ObjectNode hpa) {
        if (hpa.get("metadata") instanceof ObjectNode metadata && metadata.get("annotations") instanceof ObjectNode annotations
                && ROUND_TRIP_ANNOTATIONS.stream().anyMatch(annotations::has)) {
            annotations.remove(ROUND_TRIP_ANNOTATIONS);
            if (annotations.isEmpty()) {
                metadata.remove("annotations");
            }
        }
    }

    /**
     * An autoscaling/v1 apply configuration as the v2 configuration it stands for: what it names and nothing
     * more. {@link #toV2} converts whole objects and so fills in what an object must have (a CPU target of 80%
     * without one); a configuration that sets no CPU target and no metrics annotation owns no metrics, and one
     * without a spec no spec, so that a labels-only apply through v1 neither conflicts with nor replaces the
     * metrics a v2 client set.
     */
    public static ObjectNode configurationToV2(ObjectNode v1) {
        ObjectNode v2 = toV2(v1);
        if (!(v1.get("spec") instanceof ObjectNode v1Spec)) {
            v2.remove("spec");
            return v2;
        }
        boolean cpu = v1Spec.has("targetCPUUtilizationPercentage");
        boolean annotated = v1.path("metadata").path("annotations").has(METRICS);
        if (!cpu && !annotated && v2.get("spec") instanceof ObjectNode v2Spec) {
            v2Spec.remove("metrics");
        }
        return v2;
    }

    /** The autoscaling/v2 form of an autoscaling/v1 HorizontalPodAutoscaler. */
    public static ObjectNode toV2(ObjectNode v1) {
        ObjectNode out = NODES.objectNode();
        out.put("apiVersion", V2);
        out.put("kind", "HorizontalPodAutoscaler");
        ObjectNode metadata = v1.has("metadata") && v1.get("metadata").isObject()
                ? ((ObjectNode) v1.get("metadata")).deepCopy() : NODES.objectNode();
        out.set("metadata", metadata);
        ObjectNode annotations = metadata.get("annotations") instanceof ObjectNode a ? a : NODES.objectNode();

        JsonNode inSpec = v1.path("spec");
        ObjectNode spec = out.putObject("spec");
        copy(inSpec, spec, "scaleTargetRef", "minReplicas", "maxReplicas");
        ArrayNode metrics = spec.putArray("metrics");
        JsonNode other = listAnnotation(annotations, METRICS, "v1.MetricSpec");
        JsonNode current = listAnnotation(annotations, CURRENT_METRICS, "v1.MetricStatus");
        JsonNode conditions = listAnnotation(annotations, CONDITIONS, "v1.HorizontalPodAutoscalerCondition");
        if (other != null) {
            for (JsonNode metric : other) {
                metrics.add(metricSpecToV2(metric));
            }
        }
        // Upstream puts the CPU target after the metrics from the annotation.
        if (inSpec.path("targetCPUUtilizationPercentage").isNumber()) {
            metrics.add(cpuSpec(inSpec.get("targetCPUUtilizationPercentage").intValue()));
        }
        if (metrics.isEmpty()) {
            metrics.add(cpuSpec(DEFAULT_CPU_UTILIZATION));
        }
        JsonNode behavior = behaviorAnnotation(annotations);
        if (behavior != null) {
            spec.set("behavior", behavior);
        }

        if (v1.has("status")) {
            JsonNode inStatus = v1.get("status");
            ObjectNode status = out.putObject("status");
            copy(inStatus, status, "observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas");
            if (current != null) {
                ArrayNode currentMetrics = status.putArray("currentMetrics");
                for (JsonNode metric : current) {
                    currentMetrics.add(metricStatusToV2(metric));
                }
            } else if (inStatus.path("currentCPUUtilizationPercentage").isNumber()) {
                ObjectNode resource = NODES.objectNode().put("name", "cpu");
                resource.putObject("current").put("averageUtilization",
                        inStatus.get("currentCPUUtilizationPercentage").intValue());
                status.putArray("currentMetrics").addObject().put("type", "Resource").set("resource", resource);
            }
            if (conditions != null) {
                status.set("conditions", conditions);
            }
        }
        dropRoundTripAnnotations(out);
        return out;
    }

    /** The autoscaling/v1 form of an autoscaling/v2 HorizontalPodAutoscaler. */
    public static ObjectNode toV1(ObjectNode v2) {
        ObjectNode out = NODES.objectNode();
        out.put("apiVersion", V1);
        out.put("kind", "HorizontalPodAutoscaler");
        ObjectNode metadata = v2.has("metadata") && v2.get("metadata").isObject()
                ? ((ObjectNode) v2.get("metadata")).deepCopy() : NODES.objectNode();
        out.set("metadata", metadata);
        // Only the annotations this conversion makes: none the object itself carries.
        dropRoundTripAnnotations(out);
        JsonNode inSpec = v2.path("spec");
        JsonNode inStatus = v2.path("status");

        ObjectNode spec = out.putObject("spec");
        copy(inSpec, spec, "scaleTargetRef", "minReplicas", "maxReplicas");
        ArrayNode otherMetrics = NODES.arrayNode();
        boolean cpuSeen = false;
        for (JsonNode metric : inSpec.path("metrics")) {
            JsonNode utilization = isCpuResource(metric)
                    ? metric.path("resource").path("target").path("averageUtilization") : null;
            if (utilization != null && !cpuSeen) {
                cpuSeen = true; // upstream takes the first cpu Resource metric only
                if (utilization.isNumber()) {
                    spec.put("targetCPUUtilizationPercentage", utilization.intValue());
                }
            }
            if (utilization != null && utilization.isNumber()) {
                continue;
            }
            otherMetrics.add(metricSpecToV1(metric));
        }

        Map<String, String> annotations = new LinkedHashMap<>();
        if (!otherMetrics.isEmpty()) {
            annotations.put(METRICS, write(otherMetrics));
        }
        if (inSpec.path("behavior").isObject()) {
            annotations.put(BEHAVIOR, write(internalBehavior(inSpec.get("behavior"))));
        }

        // v1's status is a struct, and its replica counts have no omitempty: Go always writes them.
        ObjectNode status = out.putObject("status");
        copy(inStatus, status, "observedGeneration", "lastScaleTime");
        status.put("currentReplicas", inStatus.path("currentReplicas").asInt(0));
        status.put("desiredReplicas", inStatus.path("desiredReplicas").asInt(0));
        ArrayNode currentMetrics = NODES.arrayNode();
        for (JsonNode metric : inStatus.path("currentMetrics")) {
            if (isCpuResource(metric) && metric.path("resource").path("current").path("averageUtilization").isNumber()) {
                status.put("currentCPUUtilizationPercentage",
                        metric.path("resource").path("current").path("averageUtilization").intValue());
            }
            currentMetrics.add(metricStatusToV1(metric));
        }
        if (!currentMetrics.isEmpty()) {
            annotations.put(CURRENT_METRICS, write(currentMetrics));
        }
        if (inStatus.path("conditions").isArray() && !inStatus.get("conditions").isEmpty()) {
            annotations.put(CONDITIONS, write(inStatus.get("conditions")));
        }
        if (!annotations.isEmpty()) {
            ObjectNode existing = metadata.get("annotations") instanceof ObjectNode a ? a : metadata.putObject("annotations");
            annotations.forEach(existing::put);
        }
        return out;
    }

    private static boolean isCpuResource(JsonNode metric) {
        return "Resource".equals(metric.path("type").asText()) && metric.path("resource").isObject()
                && "cpu".equals(metric.path("resource").path("name").asText());
    }

    private static ObjectNode cpuSpec(int utilization) {
        ObjectNode metric = NODES.objectNode().put("type", "Resource");
        ObjectNode resource = metric.putObject("resource").put("name", "cpu");
        resource.putObject("target").put("type", "Utilization").put("averageUtilization", utilization);
        return metric;
    }

    // --- v2 → v1 (the v1 metric types, shaped like v2beta1, in Go field order) ---

    private static ObjectNode metricSpecToV1(JsonNode in) {
        String type = in.path("type").asText();
        ObjectNode out = NODES.objectNode().put("type", type);
        switch (type) {
            case "Object" -> {
                JsonNode source = in.path("object");
                ObjectNode object = out.putObject("object");
                copyAs(source, "describedObject", object, "target");
                copyAs(source.path("metric"), "name", object, "metricName");
                setOr(object, "targetValue", source.path("target").path("value"), "0");
                copyAs(source.path("metric"), "selector", object, "selector");
                copyAs(source.path("target"), "averageValue", object, "averageValue");
            }
            case "Pods" -> {
                JsonNode source = in.path("pods");
                ObjectNode pods = out.putObject("pods");
                copyAs(source.path("metric"), "name", pods, "metricName");
                setOr(pods, "targetAverageValue", source.path("target").path("averageValue"), "0");
                copyAs(source.path("metric"), "selector", pods, "selector");
            }
            case "Resource", "ContainerResource" -> {
                String field = type.equals("Resource") ? "resource" : "containerResource";
                JsonNode source = in.path(field);
                ObjectNode resource = out.putObject(field);
                copy(source, resource, "name");
                copyAs(source.path("target"), "averageUtilization", resource, "targetAverageUtilization");
                copyAs(source.path("target"), "averageValue", resource, "targetAverageValue");
                copy(source, resource, "container");
            }
            case "External" -> {
                JsonNode source = in.path("external");
                ObjectNode external = out.putObject("external");
                copyAs(source.path("metric"), "name", external, "metricName");
                copyAs(source.path("metric"), "selector", external, "metricSelector");
                copyAs(source.path("target"), "value", external, "targetValue");
                copyAs(source.path("target"), "averageValue", external, "targetAverageValue");
            }
            default -> {
                return in.deepCopy(); // a type this converter does not know: kept as it is
            }
        }
        return out;
    }

    private static ObjectNode metricStatusToV1(JsonNode in) {
        String type = in.path("type").asText();
        ObjectNode out = NODES.objectNode().put("type", type);
        switch (type) {
            case "Object" -> {
                JsonNode source = in.path("object");
                ObjectNode object = out.putObject("object");
                copyAs(source, "describedObject", object, "target");
                copyAs(source.path("metric"), "name", object, "metricName");
                setOr(object, "currentValue", source.path("current").path("value"), "0");
                copyAs(source.path("metric"), "selector", object, "selector");
                copyAs(source.path("current"), "averageValue", object, "averageValue");
            }
            case "Pods" -> {
                JsonNode source = in.path("pods");
                ObjectNode pods = out.putObject("pods");
                copyAs(source.path("metric"), "name", pods, "metricName");
                setOr(pods, "currentAverageValue", source.path("current").path("averageValue"), "0");
                copyAs(source.path("metric"), "selector", pods, "selector");
            }
            case "Resource", "ContainerResource" -> {
                String field = type.equals("Resource") ? "resource" : "containerResource";
                JsonNode source = in.path(field);
                ObjectNode resource = out.putObject(field);
                copy(source, resource, "name");
                copyAs(source.path("current"), "averageUtilization", resource, "currentAverageUtilization");
                setOr(resource, "currentAverageValue", source.path("current").path("averageValue"), "0");
                copy(source, resource, "container");
            }
            case "External" -> {
                JsonNode source = in.path("external");
                ObjectNode external = out.putObject("external");
                copyAs(source.path("metric"), "name", external, "metricName");
                copyAs(source.path("metric"), "selector", external, "metricSelector");
                setOr(external, "currentValue", source.path("current").path("value"), "0");
                copyAs(source.path("current"), "averageValue", external, "currentAverageValue");
            }
            default -> {
                return in.deepCopy();
            }
        }
        return out;
    }

    // --- v1 annotation metrics → v2 ---

    private static ObjectNode metricSpecToV2(JsonNode in) {
        String type = in.path("type").asText();
        ObjectNode out = NODES.objectNode().put("type", type);
        switch (type) {
            case "Object" -> {
                JsonNode source = in.path("object");
                ObjectNode object = out.putObject("object");
                copyAs(source, "target", object, "describedObject");
                object.set("target", target(source.has("averageValue") ? "AverageValue" : "Value",
                        source.get("targetValue"), source.get("averageValue"), null));
                object.set("metric", metric(source, "metricName", "selector"));
            }
            case "Pods" -> {
                JsonNode source = in.path("pods");
                ObjectNode pods = out.putObject("pods");
                pods.set("metric", metric(source, "metricName", "selector"));
                pods.set("target", target("AverageValue", null, source.get("targetAverageValue"), null));
            }
            case "Resource", "ContainerResource" -> {
                String field = type.equals("Resource") ? "resource" : "containerResource";
                JsonNode source = in.path(field);
                ObjectNode resource = out.putObject(field);
                copy(source, resource, "name");
                JsonNode utilization = source.get("targetAverageUtilization");
                resource.set("target", target(utilization != null ? "Utilization" : "AverageValue",
                        null, source.get("targetAverageValue"), utilization));
                copy(source, resource, "container");
            }
            case "External" -> {
                JsonNode source = in.path("external");
                ObjectNode external = out.putObject("external");
                external.set("metric", metric(source, "metricName", "metricSelector"));
                external.set("target", target(source.has("targetValue") ? "Value" : "AverageValue",
                        source.get("targetValue"), source.get("targetAverageValue"), null));
            }
            default -> {
                return in.deepCopy();
            }
        }
        return out;
    }

    private static ObjectNode metricStatusToV2(JsonNode in) {
        String type = in.path("type").asText();
        ObjectNode out = NODES.objectNode().put("type", type);
        switch (type) {
            case "Object" -> {
                JsonNode source = in.path("object");
                ObjectNode object = out.putObject("object");
                object.set("metric", metric(source, "metricName", "selector"));
                object.set("current", current(source.get("currentValue"), source.get("averageValue"), null));
                copyAs(source, "target", object, "describedObject");
            }
            case "Pods" -> {
                JsonNode source = in.path("pods");
                ObjectNode pods = out.putObject("pods");
                pods.set("metric", metric(source, "metricName", "selector"));
                pods.set("current", current(null, source.get("currentAverageValue"), null));
            }
            case "Resource", "ContainerResource" -> {
                String field = type.equals("Resource") ? "resource" : "containerResource";
                JsonNode source = in.path(field);
                ObjectNode resource = out.putObject(field);
                copy(source, resource, "name");
                resource.set("current", current(null, source.get("currentAverageValue"),
                        source.get("currentAverageUtilization")));
                copy(source, resource, "container");
            }
            case "External" -> {
                JsonNode source = in.path("external");
                ObjectNode external = out.putObject("external");
                external.set("metric", metric(source, "metricName", "metricSelector"));
                external.set("current", current(source.get("currentValue"), source.get("currentAverageValue"), null));
            }
            default -> {
                return in.deepCopy();
            }
        }
        return out;
    }

    private static ObjectNode metric(JsonNode source, String nameField, String selectorField) {
        ObjectNode metric = NODES.objectNode();
        copyAs(source, nameField, metric, "name");
        copyAs(source, selectorField, metric, "selector");
        return metric;
    }

    private static ObjectNode target(String type, JsonNode value, JsonNode averageValue, JsonNode utilization) {
        ObjectNode target = NODES.objectNode().put("type", type);
        putIfPresent(target, "value", value);
        putIfPresent(target, "averageValue", averageValue);
        putIfPresent(target, "averageUtilization", utilization);
        return target;
    }

    private static ObjectNode current(JsonNode value, JsonNode averageValue, JsonNode utilization) {
        ObjectNode current = NODES.objectNode();
        putIfPresent(current, "value", value);
        putIfPresent(current, "averageValue", averageValue);
        putIfPresent(current, "averageUtilization", utilization);
        return current;
    }

    // --- small JSON helpers ---

    private static void copy(JsonNode from, ObjectNode to, String... fields) {
        for (String field : fields) {
            copyAs(from, field, to, field);
        }
    }

    private static void copyAs(JsonNode from, String field, ObjectNode to, String as) {
        putIfPresent(to, as, from.get(field));
    }

    private static void putIfPresent(ObjectNode to, String field, JsonNode value) {
        if (value != null && !value.isNull() && !value.isMissingNode()) {
            to.set(field, value.deepCopy());
        }
    }

    /** A Go non-pointer Quantity: always marshalled, "0" when unset. */
    private static void setOr(ObjectNode to, String field, JsonNode value, String otherwise) {
        if (value != null && !value.isNull() && !value.isMissingNode()) {
            to.set(field, value.deepCopy());
        } else {
            to.put(field, otherwise);
        }
    }

    /**
     * The list a round-trip annotation holds, or null when it is absent. Kubernetes' conversion
     * unmarshals it into a list of {@code goElementType} and fails on an error, which kube-apiserver
     * answers as a decoding error (400 "... cannot be handled as a HorizontalPodAutoscaler: ...").
     * Only the list's shape is checked, not its elements' fields.
     */
    private static JsonNode listAnnotation(ObjectNode annotations, String key, String goElementType) {
        JsonNode value = annotations.get(key);
        if (value == null || !value.isTextual()) {
            return null;
        }
        JsonNode list = parse(value.asText());
        if (list == null) {
            throw undecodable(GoJsonErrors.syntaxError(value.asText()));
        }
        if (list.isNull()) {
            return null; // Go unmarshals null into a nil slice
        }
        if (!list.isArray()) {
            throw undecodable("json: cannot unmarshal " + GoJsonErrors.kindOf(list) + " into Go value of type []"
                    + goElementType);
        }
        for (JsonNode element : list) {
            if (!element.isObject() && !element.isNull()) {
                throw undecodable("json: cannot unmarshal " + GoJsonErrors.kindOf(element) + " into Go value of type "
                        + goElementType);
            }
        }
        return list;
    }

    /**
     * The behavior annotation's object, or null when it is absent, malformed or empty: Kubernetes'
     * conversion moves only well-formed, non-empty behavior out of it and drops the rest.
     */
    private static JsonNode behaviorAnnotation(ObjectNode annotations) {
        JsonNode value = annotations.get(BEHAVIOR);
        JsonNode behavior = value == null || !value.isTextual() ? null : parse(value.asText());
        if (behavior == null || !behavior.isObject()) {
            return null;
        }
        // Go's unmarshalling matches field names in any case and leaves a null pointer unset.
        JsonNode fields = withoutNulls(renameKeys(behavior, HpaConversion::decapitalize));
        return fields.isEmpty() ? null : fields;
    }

    /**
     * spec.behavior as Kubernetes writes it into the v1 annotation: json.Marshal of its internal
     * HorizontalPodAutoscalerBehavior, a type without JSON tags, so every field is there under its Go name, null
     * when unset.
     */
    private static ObjectNode internalBehavior(JsonNode behavior) {
        ObjectNode out = NODES.objectNode();
        out.set("ScaleUp", internalRules(behavior.get("scaleUp")));
        out.set("ScaleDown", internalRules(behavior.get("scaleDown")));
        return out;
    }

    private static JsonNode internalRules(JsonNode rules) {
        if (rules == null || !rules.isObject()) {
            return NODES.nullNode();
        }
        ObjectNode out = NODES.objectNode();
        out.set("StabilizationWindowSeconds", orNull(rules.get("stabilizationWindowSeconds")));
        out.set("SelectPolicy", orNull(rules.get("selectPolicy")));
        JsonNode policies = rules.get("policies");
        if (policies == null || !policies.isArray()) {
            out.putNull("Policies");
        } else {
            ArrayNode list = out.putArray("Policies");
            for (JsonNode policy : policies) {
                // HPAScalingPolicy's fields are values, not pointers: their zero values are written.
                list.addObject().put("Type", policy.path("type").asText(""))
                        .put("Value", policy.path("value").asInt(0))
                        .put("PeriodSeconds", policy.path("periodSeconds").asInt(0));
            }
        }
        return out;
    }

    private static JsonNode orNull(JsonNode value) {
        return value == null || value.isMissingNode() ? NODES.nullNode() : value.deepCopy();
    }

    /** {@code node} without its null members, at every depth. */
    private static JsonNode withoutNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = NODES.objectNode();
            node.properties().forEach(member -> {
                if (!member.getValue().isNull()) {
                    out.set(member.getKey(), withoutNulls(member.getValue()));
                }
            });
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(element -> out.add(withoutNulls(element)));
            return out;
        }
        return node;
    }

    /** The JSON tree of {@code text}, or null when it is not JSON. */
    private static JsonNode parse(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node == null || node.isMissingNode() ? null : node;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static ApiException undecodable(String jsonError) {
        return ApiException.badRequest("HorizontalPodAutoscaler in version \"v1\" cannot be handled as a "
                + "HorizontalPodAutoscaler: " + jsonError);
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree always serializes
        }
    }

    private static JsonNode renameKeys(JsonNode node, UnaryOperator<String> rename) {
        if (node.isObject()) {
            ObjectNode out = NODES.objectNode();
            List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
            for (Map.Entry<String, JsonNode> member : members) {
                out.set(rename.apply(member.getKey()), renameKeys(member.getValue(), rename));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(element -> out.add(renameKeys(element, rename)));
            return out;
        }
        return node.deepCopy();
    }

    private static String decapitalize(String key) {
        return key.isEmpty() ? key : Character.toLowerCase(key.charAt(0)) + key.substring(1);
    }
}
