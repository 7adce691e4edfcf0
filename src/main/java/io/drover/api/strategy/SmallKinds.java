package io.drover.api.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The kinds whose only Kubernetes rules are a few defaults. */
final class SmallKinds {
    private SmallKinds() {}

    /** v1 Nodes: allocatable is the capacity when not given (SetDefaults_NodeStatus). */
    static final class NodeStrategy extends KindStrategy {
        @Override
        public void applyDefaults(ObjectNode node) {
            Nodes.dropZeros(Nodes.object(node, "spec"), "unschedulable");
            ObjectNode status = Nodes.object(node, "status");
            if (status != null && status.has("capacity") && !status.has("allocatable")) {
                status.set("allocatable", status.get("capacity").deepCopy());
            }
        }
    }

    /** v1 Endpoints: ports are TCP by default. */
    static final class EndpointsStrategy extends KindStrategy {
        @Override
        public void applyDefaults(ObjectNode endpoints) {
            for (ObjectNode subset : Nodes.objects(endpoints, "subsets")) {
                Nodes.objects(subset, "ports").forEach(p -> Nodes.defaultText(p, "protocol", "TCP"));
            }
        }
    }

    /** discovery.k8s.io/v1 EndpointSlices: ports are TCP and named "" by default; they have a generation. */
    static final class EndpointSliceStrategy extends KindStrategy {
        @Override
        public boolean tracksGeneration() {
            return true;
        }

        @Override
        public void applyDefaults(ObjectNode slice) {
            for (ObjectNode port : Nodes.objects(slice, "ports")) {
                if (!port.has("name")) {
                    port.put("name", "");
                }
                Nodes.defaultText(port, "protocol", "TCP");
            }
        }
    }

    /**
     * v1 LimitRanges (SetDefaults_LimitRangeItem): a Container item's default limit is its max, and its default
     * request is its default limit, else its min.
     */
    static final class LimitRangeStrategy extends KindStrategy {
        @Override
        public void applyDefaults(ObjectNode limitRange) {
            for (ObjectNode item : Nodes.objects(Nodes.object(limitRange, "spec"), "limits")) {
                if (!Nodes.text(item, "type").equals("Container")) {
                    continue;
                }
                fill(item, "default", List.of("max"));
                fill(item, "defaultRequest", List.of("default", "min"));
            }
        }

        private static void fill(ObjectNode item, String target, List<String> sources) {
            ObjectNode values = Nodes.object(item, target);
            ObjectNode filled = values == null ? item.objectNode() : values;
            for (String source : sources) {
                ObjectNode from = Nodes.object(item, source);
                if (from != null) {
                    from.properties().forEach(e -> {
                        if (!filled.has(e.getKey())) {
                            filled.set(e.getKey(), e.getValue().deepCopy());
                        }
                    });
                }
            }
            if (!filled.isEmpty()) {
                item.set(target, filled);
            }
        }
    }
}
