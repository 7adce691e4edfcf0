package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/** The kinds whose Kubernetes rules are a few defaults and checks. */
final class SmallKinds {
    private SmallKinds() {}

    /** v1 Nodes: allocatable is the capacity when not given (SetDefaults_NodeStatus); taints are checked. */
    static final class NodeStrategy extends KindStrategy {
        @Override
        public void applyDefaults(ObjectNode node) {
            Nodes.dropZeros(Nodes.object(node, "spec"), "unschedulable");
            NodeSpecValidation.syncPodCidrs(Nodes.object(node, "spec"));
            ObjectNode status = Nodes.object(node, "status");
            if (status != null && status.has("capacity") && !status.has("allocatable")) {
                status.set("allocatable", status.get("capacity").deepCopy());
            }
        }

        @Override
        public List<Cause> validateCreate(ObjectNode node) {
            List<Cause> causes = new ArrayList<>(NodeTaintValidation.validate(node));
            causes.addAll(NodeSpecValidation.validate(node));
            return causes;
        }

        @Override
        List<Cause> validateImmutable(ObjectNode oldNode, ObjectNode node) {
            return NodeSpecValidation.validateUpdate(oldNode, node);
        }

        @Override
        public List<Cause> validateStatusUpdate(ObjectNode oldNode, ObjectNode node) {
            return StatusRules.node(node);
        }
    }

    /** v1 Endpoints: ports are TCP by default; addresses and ports are checked ({@link EndpointValidation}). */
    static final class EndpointsStrategy extends KindStrategy {
        @Override
        public boolean allowsCreateOnUpdate() {
            return true;
        }

        @Override
        public void applyDefaults(ObjectNode endpoints) {
            for (ObjectNode subset : Nodes.objects(endpoints, "subsets")) {
                Nodes.objects(subset, "ports").forEach(p -> Nodes.defaultText(p, "protocol", "TCP"));
            }
        }

        @Override
        public List<Cause> validateCreate(ObjectNode endpoints) {
            return EndpointValidation.endpoints(endpoints);
        }
    }

    /**
     * coordination.k8s.io/v1 Leases (ValidateLeaseSpec): a positive duration, no negative transition count. A PUT may
     * create one, and an update must name the version it read: leader election relies on it.
     */
    static final class LeaseStrategy extends KindStrategy {
        /** Coordinated leader election's fields, alpha in 1.32 and off: leaseStrategy drops them. */
        private static final List<String> COORDINATED_ELECTION = List.of("strategy", "preferredHolder");

        @Override
        public boolean allowsCreateOnUpdate() {
            return true;
        }

        @Override
        public boolean allowsUnconditionalUpdate() {
            return false;
        }

        @Override
        public void applyCreateDefaults(ObjectNode lease) {
            if (lease.get("spec") instanceof ObjectNode spec) {
                spec.remove(COORDINATED_ELECTION);
            }
        }

        /** An update keeps them only where the stored Lease has them (stored before the gate went off). */
        @Override
        public void keepOnUpdate(ObjectNode stored, ObjectNode next) {
            if (next.get("spec") instanceof ObjectNode spec) {
                COORDINATED_ELECTION.stream().filter(f -> !stored.path("spec").has(f)).forEach(spec::remove);
            }
        }

        @Override
        public List<Cause> validateCreate(ObjectNode lease) {
            List<Cause> causes = new ArrayList<>();
            JsonNode spec = lease.path("spec");
            JsonNode duration = spec.get("leaseDurationSeconds");
            if (duration != null && duration.isNumber() && duration.asLong() <= 0) {
                causes.add(Causes.invalid("spec.leaseDurationSeconds", duration.asText(), "must be greater than 0"));
            }
            JsonNode transitions = spec.get("leaseTransitions");
            if (transitions != null && transitions.isNumber() && transitions.asLong() < 0) {
                causes.add(Causes.invalid("spec.leaseTransitions", transitions.asText(),
                        "must be greater than or equal to 0"));
            }
            return causes;
        }
    }

    /**
     * discovery.k8s.io/v1 EndpointSlices: ports are TCP and named "" by default; they have a generation, which their
     * labels move too; a v1 write drops their endpoints' deprecatedTopology ({@link DeprecatedTopology}).
     */
    static final class EndpointSliceStrategy extends KindStrategy {
        @Override
        public boolean tracksGeneration() {
            return true;
        }

        /** endpointSliceStrategy.PrepareForUpdate: a relabelled slice may serve another Service. */
        @Override
        public List<String> metadataInGeneration() {
            return List.of("labels");
        }

        @Override
        public void applyCreateDefaults(ObjectNode slice) {
            DeprecatedTopology.dropOnCreate(slice);
        }

        @Override
        public void keepOnUpdate(ObjectNode stored, ObjectNode next) {
            DeprecatedTopology.dropOnUpdate(stored, next);
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

        @Override
        public List<Cause> validateCreate(ObjectNode slice) {
            return EndpointSliceValidation.validate(slice);
        }

        @Override
        List<Cause> validateImmutable(ObjectNode oldSlice, ObjectNode slice) {
            return EndpointSliceValidation.immutable(oldSlice, slice);
        }
    }

    /**
     * v1 LimitRanges (SetDefaults_LimitRangeItem): a Container item's default limit is its max, and its default
     * request is its default limit, else its min.
     */
    static final class LimitRangeStrategy extends KindStrategy {
        @Override
        public boolean allowsCreateOnUpdate() {
            return true;
        }

        @Override
        public List<Cause> validateCreate(ObjectNode limitRange) {
            return ResourceQuotaValidation.limitRange(limitRange);
        }

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

    /**
     * v1 ResourceQuotas: their hard limits and scopes, which never change, and the amounts a status write reports
     * ({@link ResourceQuotaValidation}).
     */
    static final class ResourceQuotaStrategy extends KindStrategy {
        /** resourcequotaStrategy.PrepareForCreate: hard and used are the quota controller's; a client's are dropped. */
        @Override
        public void applyCreateDefaults(ObjectNode quota) {
            quota.putObject("status");
        }

        @Override
        public List<Cause> validateCreate(ObjectNode quota) {
            return ResourceQuotaValidation.resourceQuota(quota);
        }

        @Override
        List<Cause> validateImmutable(ObjectNode oldQuota, ObjectNode quota) {
            return ResourceQuotaValidation.scopesUnchanged(oldQuota, quota);
        }

        @Override
        public List<Cause> validateStatusUpdate(ObjectNode oldQuota, ObjectNode quota) {
            return ResourceQuotaValidation.status(quota);
        }
    }
}
