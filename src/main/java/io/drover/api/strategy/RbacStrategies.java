package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * rbac.authorization.k8s.io/v1: the defaults of pkg/apis/rbac/v1/defaults.go and the rules of
 * pkg/apis/rbac/validation, with their messages. Role and binding names are path segments, which
 * the object-metadata rules check.
 */
final class RbacStrategies {
    static final String GROUP = "rbac.authorization.k8s.io";
    private static final String SERVICE_ACCOUNT = "ServiceAccount";
    private static final String USER = "User";
    private static final String KIND_GROUP = "Group";

    private RbacStrategies() {}

    /** Role (namespaced) and ClusterRole: every rule has verbs and applies to resources or, cluster-wide, to URLs. */
    static final class RoleStrategy extends KindStrategy {
        private final boolean namespaced;

        RoleStrategy(boolean namespaced) {
            this.namespaced = namespaced;
        }

        /** As each of RBAC's strategies allows: a PUT may create one. */
        @Override
        public boolean allowsCreateOnUpdate() {
            return true;
        }

        @Override
        public List<Cause> validateCreate(ObjectNode role) {
            List<Cause> causes = new ArrayList<>();
            List<ObjectNode> rules = Nodes.objects(role, "rules");
            for (int i = 0; i < rules.size(); i++) {
                causes.addAll(policyRule(rules.get(i), namespaced, "rules[" + i + "]"));
            }
            ObjectNode aggregation = Nodes.object(role, "aggregationRule");
            if (!namespaced && aggregation != null) {
                List<ObjectNode> selectors = Nodes.objects(aggregation, "clusterRoleSelectors");
                if (selectors.isEmpty()) {
                    causes.add(Causes.required("aggregationRule.clusterRoleSelectors",
                            "at least one clusterRoleSelector required if aggregationRule is non-nil"));
                }
                for (int i = 0; i < selectors.size(); i++) {
                    causes.addAll(LabelSelectors.validate(selectors.get(i), "aggregationRule.clusterRoleSelectors[" + i + "]"));
                }
            }
            return causes;
        }

        /** ValidatePolicyRule. */
        private static List<Cause> policyRule(ObjectNode rule, boolean namespaced, String field) {
            List<Cause> causes = new ArrayList<>();
            if (rule.path("verbs").isEmpty()) {
                causes.add(Causes.required(field + ".verbs", "verbs must contain at least one value"));
            }
            JsonNode urls = rule.path("nonResourceURLs");
            if (!urls.isEmpty()) {
                if (namespaced) {
                    causes.add(Causes.invalid(field + ".nonResourceURLs", GoValues.stringSlice(urls),
                            "namespaced rules cannot apply to non-resource URLs"));
                }
                if (!rule.path("apiGroups").isEmpty() || !rule.path("resources").isEmpty()
                        || !rule.path("resourceNames").isEmpty()) {
                    causes.add(Causes.invalid(field + ".nonResourceURLs", GoValues.stringSlice(urls),
                            "rules cannot apply to both regular resources and non-resource URLs"));
                }
                return causes;
            }
            if (rule.path("apiGroups").isEmpty()) {
                causes.add(Causes.required(field + ".apiGroups", "resource rules must supply at least one api group"));
            }
            if (rule.path("resources").isEmpty()) {
                causes.add(Causes.required(field + ".resources", "resource rules must supply at least one resource"));
            }
            return causes;
        }
    }

    /** RoleBinding (to a Role or a ClusterRole) and ClusterRoleBinding (to a ClusterRole); roleRef never changes. */
    static final class BindingStrategy extends KindStrategy {
        private final boolean namespaced;

        BindingStrategy(boolean namespaced) {
            this.namespaced = namespaced;
        }

        @Override
        public boolean allowsCreateOnUpdate() {
            return true;
        }

        @Override
        public void applyDefaults(ObjectNode binding) {
            // roleRef is a struct, not a pointer: it is defaulted even when the body has none.
            ObjectNode roleRef = Nodes.objectOrNew(binding, "roleRef");
            if (Nodes.text(roleRef, "apiGroup").isEmpty()) {
                roleRef.put("apiGroup", GROUP);
            }
            // A ServiceAccount's group is "" (the core group), which Kubernetes leaves out of the JSON.
            for (ObjectNode subject : Nodes.objects(binding, "subjects")) {
                String kind = Nodes.text(subject, "kind");
                if (Nodes.text(subject, "apiGroup").isEmpty() && (kind.equals(USER) || kind.equals(KIND_GROUP))) {
                    subject.put("apiGroup", GROUP);
                }
            }
        }

        @Override
        public List<Cause> validateCreate(ObjectNode binding) {
            List<Cause> causes = new ArrayList<>();
            JsonNode roleRef = binding.path("roleRef");
            String apiGroup = roleRef.path("apiGroup").asText("");
            if (!apiGroup.equals(GROUP)) {
                causes.add(Causes.notSupported("roleRef.apiGroup", GoValues.quote(apiGroup), List.of(GROUP)));
            }
            String kind = roleRef.path("kind").asText("");
            List<String> kinds = namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
            if (!kinds.contains(kind)) {
                causes.add(Causes.notSupported("roleRef.kind", GoValues.quote(kind), kinds));
            }
            String name = roleRef.path("name").asText("");
            if (name.isEmpty()) {
                causes.add(Causes.required("roleRef.name"));
            } else {
                for (String message : NameRules.pathSegmentName(name)) {
                    causes.add(Causes.invalid("roleRef.name", GoValues.quote(name), message));
                }
            }
            List<ObjectNode> subjects = Nodes.objects(binding, "subjects");
            for (int i = 0; i < subjects.size(); i++) {
                causes.addAll(subject(subjects.get(i), namespaced, "subjects[" + i + "]"));
            }
            return causes;
        }

        /** ValidateRoleBindingSubject. */
        private static List<Cause> subject(ObjectNode subject, boolean namespaced, String field) {
            List<Cause> causes = new ArrayList<>();
            String name = Nodes.text(subject, "name");
            String apiGroup = Nodes.text(subject, "apiGroup");
            if (name.isEmpty()) {
                causes.add(Causes.required(field + ".name"));
            }
            String kind = Nodes.text(subject, "kind");
            switch (kind) {
                case SERVICE_ACCOUNT -> {
                    if (!name.isEmpty()) {
                        NameRules.dns1123Subdomain(name).forEach(m ->
                                causes.add(Causes.invalid(field + ".name", GoValues.quote(name), m)));
                    }
                    if (!apiGroup.isEmpty()) {
                        causes.add(Causes.notSupported(field + ".apiGroup", GoValues.quote(apiGroup), List.of("")));
                    }
                    if (!namespaced && Nodes.text(subject, "namespace").isEmpty()) {
                        causes.add(Causes.required(field + ".namespace"));
                    }
                }
                case USER, KIND_GROUP -> {
                    if (!apiGroup.equals(GROUP)) {
                        causes.add(Causes.notSupported(field + ".apiGroup", GoValues.quote(apiGroup), List.of(GROUP)));
                    }
                }
                default -> causes.add(Causes.notSupported(field + ".kind", GoValues.quote(kind),
                        List.of(SERVICE_ACCOUNT, USER, KIND_GROUP)));
            }
            return causes;
        }

        @Override
        List<Cause> validateImmutable(ObjectNode oldBinding, ObjectNode newBinding) {
            JsonNode before = oldBinding.path("roleRef");
            JsonNode after = newBinding.path("roleRef");
            if (before.equals(after)) {
                return List.of();
            }
            return List.of(Causes.invalid("roleRef", "rbac.RoleRef{APIGroup:" + GoValues.quote(after.path("apiGroup").asText(""))
                    + ", Kind:" + GoValues.quote(after.path("kind").asText("")) + ", Name:"
                    + GoValues.quote(after.path("name").asText("")) + "}", "cannot change roleRef"));
        }
    }
}
