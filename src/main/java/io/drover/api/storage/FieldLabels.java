package io.drover.api.storage;

import io.drover.api.ApiException;
import io.drover.api.resource.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields a kind can be selected by, as Kubernetes registers them (pkg/apis/core/v1's field
 * label conversion functions): metadata.name and metadata.namespace for every kind, and a few more
 * for some core kinds. A selector on any other field is refused with Kubernetes' message rather
 * than matching nothing, so {@code kubectl get --field-selector} with a typo fails as it would
 * there.
 */
public final class FieldLabels {
    private static final Set<String> METADATA = Set.of("metadata.name", "metadata.namespace");

    /** Core/v1 kinds with fields of their own (the kinds drover serves). */
    private static final Map<String, Set<String>> CORE = Map.of(
            "Pod", Set.of("metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy",
                    "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
                    "status.podIP", "status.podIPs", "status.nominatedNodeName"),
            "Node", Set.of("metadata.name", "spec.unschedulable"),
            "Event", Set.of("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                    "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                    "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type", "metadata.namespace",
                    "metadata.name"),
            "Namespace", Set.of("status.phase", "metadata.name"),
            "Secret", Set.of("type", "metadata.namespace", "metadata.name"),
            "Service", Set.of("metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type"));

    /**
     * Selectable fields that are not the object's field of that path: Kubernetes selects an
     * Event's "source" by its source.component, or its reportingComponent when that is empty (events
     * written through events.k8s.io, such as the scheduler's, have no source).
     */
    private static final Map<String, String> EVENT_PATHS = Map.of("source", "source.component|reportingComponent");

    /** Booleans that Kubernetes' field sets hold as "false" when they are absent. */
    private static final Set<String> FALSE_WHEN_ABSENT = Set.of("spec.unschedulable", "spec.hostNetwork");

    private FieldLabels() {}

    /**
     * The selector with each field checked for the type, and read as Kubernetes reads it: old
     * clients' {@code spec.host} on pods as {@code spec.nodeName}, an Event's {@code source} as its
     * source.component, an absent boolean as "false".
     *
     * @throws ApiException 400 naming the first field the type cannot be selected by
     */
    public static FieldSelector check(ResourceType type, FieldSelector selector) {
        if (selector.isEverything()) {
            return selector;
        }
        Set<String> own = type.group().isEmpty() ? CORE.get(type.kind()) : null;
        List<FieldSelector.Term> terms = new ArrayList<>();
        for (FieldSelector.Term term : selector.terms()) {
            String path = term.path();
            if (own == null) {
                if (!METADATA.contains(path)) {
                    throw ApiException.badRequest("\"" + path + "\" is not a known field selector: only "
                            + "\"metadata.name\", \"metadata.namespace\"");
                }
            } else if (type.kind().equals("Pod") && path.equals("spec.host")) {
                path = "spec.nodeName";
            } else if (!own.contains(path)) {
                throw ApiException.badRequest("field label not supported: " + path);
            }
            if (type.kind().equals("Event")) {
                path = EVENT_PATHS.getOrDefault(path, path);
            }
            terms.add(new FieldSelector.Term(path, term.equal(), term.value(),
                    own != null && FALSE_WHEN_ABSENT.contains(path) ? "false" : ""));
        }
        return new FieldSelector(List.copyOf(terms));
    }
}
