package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.DeleteOptions;
import io.drover.api.storage.ListCursor;
import io.drover.api.storage.ListOptions;
import io.drover.api.storage.ObjectStorage;
import io.drover.api.strategy.LabelSelectors;
import io.drover.json.MetaTime;
import io.drover.pod.PodFields;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * pods/eviction as kube-apiserver's EvictionREST decides it (pkg/registry/core/pod/storage/eviction.go).
 *
 * <p>A pod that is Pending, finished or already being deleted is deleted at once. Otherwise the
 * PodDisruptionBudget whose selector matches the pod decides: none, delete; more than one, refused
 * (500, as Kubernetes); an unready pod may go without using up the budget when its
 * unhealthyPodEvictionPolicy is AlwaysAllow, or when the budget is met (IfHealthyBudget, the
 * default); anything else takes one of the budget's disruptionsAllowed (429 TooManyRequests when
 * there is none, or when the disruption controller has not seen the budget's last change), recorded
 * in its status.disruptedPods so that the controller does not count the pod while it goes. The pod
 * then gets the DisruptionTarget condition and is deleted with the Eviction's deleteOptions.
 */
final class Evictions {
    /** Beyond this many granted evictions the controller has not confirmed, Kubernetes refuses more. */
    private static final int MAX_DISRUPTED_PODS = 2000;
    private static final String MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";

    private final ObjectStorage storage;
    private final ResourceType budgets;
    private final Clock clock;

    Evictions(ObjectStorage storage, ResourceType budgets, Clock clock) {
        this.storage = storage;
        this.budgets = budgets;
        this.clock = clock;
    }

    /**
     * Evicts the pod with the Eviction's {@code deleteOptions} (missing for none) and the request's
     * {@code dryRun} query values.
     *
     * <p>As EvictionREST hands the options to the pod store's Delete, they are validated only there
     * (rest.BeforeDelete's ValidateDeleteOptions, 422 on DeleteOptions.meta.k8s.io): after the
     * budget was consulted (a 429 comes first) and, when it is not a dry run, after the budget was
     * used and the pod marked, which Kubernetes does not undo either.
     */
    void evict(ResourceType pods, String namespace, String name, JsonNode deleteOptions, List<String> queryDryRun) {
        List<String> dryRun = propagateDryRun(deleteOptions, queryDryRun);
        // dryrun.IsDryRun: any value asks for a dry run; the store refuses a value other than All.
        DeleteOptions options = DeleteOptions.of(deleteOptions, null, null, !dryRun.isEmpty());
        Optional<ApiException> refusal = DeleteRequestOptions.refusal(deleteOptions);
        ObjectNode pod = storage.get(pods, namespace, name);
        String phase = pod.path("status").path("phase").asText("");
        boolean deleting = pod.path("metadata").hasNonNull("deletionTimestamp");
        boolean terminal = PodFields.isTerminal(phase);
        if (terminal || deleting || phase.equals("Pending")) {
            // Already disrupted, or not yet serving: no budget to consult. A Pending pod's version is
            // pinned so that it is not deleted after it became Ready meanwhile.
            delete(pods, namespace, name, terminal || deleting ? options : pinned(options, pod), refusal, null);
            return;
        }
        List<ObjectNode> covering = covering(namespace, pod.path("metadata").path("labels"));
        if (covering.size() > 1) {
            // A bare Status (no reason, no details), as eviction.go returns it.
            throw new ApiException(500, "",
                    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
        }
        if (covering.isEmpty()) {
            delete(pods, namespace, name, options, refusal, null);
            return;
        }
        ObjectNode pdb = covering.get(0);
        String pdbName = pdb.path("metadata").path("name").asText();
        if (!ready(pod) && unhealthyMayGo(pdb)) {
            // Does not count towards the budget; pinned so that it is not deleted after it became Ready.
            delete(pods, namespace, name, pinned(options, pod), refusal, pdbName);
            return;
        }
        takeOneDisruption(namespace, pdbName, name, options.dryRun());
        delete(pods, namespace, name, options, refusal, null);
    }

    /**
     * propagateDryRun: the Eviction's dryRun values, or the query's when it has none; both given and
     * different is a plain error, which kube-apiserver answers as a bare 500.
     */
    private static List<String> propagateDryRun(JsonNode deleteOptions, List<String> queryDryRun) {
        List<String> content = new ArrayList<>();
        // A null element decodes as Go's empty string.
        deleteOptions.path("dryRun").forEach(value -> content.add(value.isNull() ? "" : value.asText()));
        if (content.isEmpty()) {
            return queryDryRun;
        }
        if (!queryDryRun.isEmpty() && !queryDryRun.equals(content)) {
            throw new ApiException(500, "", "Non-matching dry-run options in request and content: "
                    + goSlice(queryDryRun) + " and " + goSlice(content));
        }
        return content;
    }

    /** A []string as Go's %v prints it: [a b]. */
    private static String goSlice(List<String> values) {
        return "[" + String.join(" ", values) + "]";
    }

    /** The budgets of the namespace whose selector matches the labels (a missing selector matches nothing). */
    private List<ObjectNode> covering(String namespace, JsonNode labels) {
        List<ObjectNode> matching = new ArrayList<>();
        ListCursor cursor = storage.list(budgets, namespace, ListOptions.everything());
        for (ObjectNode pdb = cursor.next(); pdb != null; pdb = cursor.next()) {
            JsonNode selector = pdb.path("spec").get("selector");
            if (selector != null && !selector.isNull() && LabelSelectors.matches(selector, labels)) {
                matching.add(pdb);
            }
        }
        return matching;
    }

    private static boolean unhealthyMayGo(ObjectNode pdb) {
        if (pdb.path("spec").path("unhealthyPodEvictionPolicy").asText("").equals("AlwaysAllow")) {
            return true;
        }
        long currentHealthy = pdb.path("status").path("currentHealthy").asLong(0);
        long desiredHealthy = pdb.path("status").path("desiredHealthy").asLong(0);
        return currentHealthy >= desiredHealthy && desiredHealthy > 0;
    }

    /** checkAndDecrement, on the newest version of the budget (the store retries on a conflict). */
    private void takeOneDisruption(String namespace, String pdbName, String podName, boolean dryRun) {
        storage.update(budgets, namespace, pdbName, pdb -> {
            ObjectNode status = pdb.withObject("status");
            if (status.path("observedGeneration").asLong(0) < pdb.path("metadata").path("generation").asLong(0)) {
                throw stillProcessing(pdbName);
            }
            long allowed = status.path("disruptionsAllowed").asLong(0);
            if (allowed < 0) {
                throw forbidden(pdbName, "pdb disruptions allowed is negative");
            }
            if (status.path("disruptedPods").size() > MAX_DISRUPTED_PODS) {
                throw forbidden(pdbName, "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
            }
            if (allowed == 0) {
                throw tooManyRequests(0, "The disruption budget " + pdbName + " needs "
                        + status.path("desiredHealthy").asLong(0) + " healthy pods and has "
                        + status.path("currentHealthy").asLong(0) + " currently");
            }
            status.put("disruptionsAllowed", allowed - 1);
            if (allowed - 1 == 0) {
                noMoreDisruptions(status);
            }
            if (!dryRun) {
                status.withObject("disruptedPods").put(podName, MetaTime.now(clock));
            }
            pdb.withObject("metadata").remove("resourceVersion");
            return pdb;
        }, true, dryRun);
    }

    /** pdbhelper.UpdateDisruptionAllowedCondition for a budget that just ran out. */
    private void noMoreDisruptions(ObjectNode status) {
        ArrayNode conditions = status.withArray("conditions");
        ObjectNode condition = null;
        for (JsonNode c : conditions) {
            if (c.path("type").asText().equals("DisruptionAllowed")) {
                condition = (ObjectNode) c;
            }
        }
        if (condition == null) {
            condition = conditions.addObject().put("type", "DisruptionAllowed").put("message", "");
        }
        if (!condition.path("status").asText().equals("False")) {
            condition.put("lastTransitionTime", MetaTime.now(clock));
        }
        condition.put("status", "False");
        condition.put("reason", "InsufficientPods");
        condition.put("observedGeneration", status.path("observedGeneration").asLong(0));
    }

    /**
     * addConditionAndDeletePod: DisruptionTarget=True on the pod (after checking the delete's
     * preconditions against it), then the delete, its resourceVersion precondition moved to the
     * version that write made.
     *
     * @param refusal the 422 the options get from the store's Delete, if they are invalid
     * @param pinnedFor the budget whose check a pinned version stands for: a conflict then means
     *     the pod changed since, which Kubernetes answers with 429 so that the client tries again
     */
    private void delete(ResourceType pods, String namespace, String name, DeleteOptions options,
            Optional<ApiException> refusal, String pinnedFor) {
        DeleteOptions effective = options;
        try {
            if (!options.dryRun()) {
                ObjectNode marked = storage.update(pods, namespace, name, pod -> markDisruptionTarget(pods, name, pod,
                        options), true, false);
                if (options.resourceVersion() != null) {
                    effective = new DeleteOptions(options.uid(), marked.path("metadata").path("resourceVersion").asText(),
                            options.propagationPolicy(), false, options.gracePeriodSeconds());
                }
            }
            if (refusal.isPresent()) {
                throw refusal.get(); // the store's Delete validates the options before it deletes
            }
            storage.delete(pods, namespace, name, effective);
        } catch (ApiException e) {
            if (e.code() == 409 && pinnedFor != null) {
                throw stillProcessing(pinnedFor);
            }
            throw e;
        }
    }

    /**
     * addConditionAndDeletePod's getLatestPod: the preconditions checked against the newest pod, their conflicts on
     * GroupResource{Resource: "Pod"} ("Operation cannot be fulfilled on Pod ..."), then the condition.
     */
    private ObjectNode markDisruptionTarget(ResourceType pods, String name, ObjectNode pod, DeleteOptions options) {
        ObjectNode metadata = pod.withObject("metadata");
        String uid = metadata.path("uid").asText();
        String version = metadata.path("resourceVersion").asText();
        if (options.uid() != null && !options.uid().isEmpty() && !options.uid().equals(uid)) {
            throw ApiException.conflictOnKind(pods, name, "the UID in the precondition (" + options.uid()
                    + ") does not match the UID in record (" + uid + "). The object might have been deleted and then "
                    + "recreated");
        }
        if (options.resourceVersion() != null && !options.resourceVersion().isEmpty()
                && !options.resourceVersion().equals(version)) {
            throw ApiException.conflictOnKind(pods, name, "the ResourceVersion in the precondition ("
                    + options.resourceVersion() + ") does not match the ResourceVersion in record (" + version
                    + "). The object might have been modified");
        }
        metadata.remove("resourceVersion");
        ArrayNode conditions = pod.withObject("status").withArray("conditions");
        for (JsonNode c : conditions) {
            if (c.path("type").asText().equals("DisruptionTarget") && c.path("status").asText().equals("True")
                    && c.path("reason").asText().equals("EvictionByEvictionAPI")) {
                return pod;
            }
        }
        for (int i = conditions.size() - 1; i >= 0; i--) {
            if (conditions.get(i).path("type").asText().equals("DisruptionTarget")) {
                conditions.remove(i);
            }
        }
        ObjectNode target = conditions.addObject();
        target.put("type", "DisruptionTarget");
        target.put("status", "True");
        target.putNull("lastProbeTime");
        target.put("lastTransitionTime", MetaTime.now(clock));
        target.put("reason", "EvictionByEvictionAPI");
        target.put("message", "Eviction API: evicting");
        return pod;
    }

    /** The options with the pod's resourceVersion as a precondition, unless the client gave one. */
    private static DeleteOptions pinned(DeleteOptions options, ObjectNode pod) {
        if (options.resourceVersion() != null) {
            return options;
        }
        return new DeleteOptions(options.uid(), pod.path("metadata").path("resourceVersion").asText(),
                options.propagationPolicy(), options.dryRun(), options.gracePeriodSeconds());
    }

    private static boolean ready(ObjectNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c.path("status").asText().equals("True");
            }
        }
        return false;
    }

    private static ApiException stillProcessing(String pdbName) {
        return tooManyRequests(10, "The disruption budget " + pdbName + " is still being processed by the server.");
    }

    private static ApiException tooManyRequests(int retryAfterSeconds, String cause) {
        return ApiException.tooManyRequests(MESSAGE, retryAfterSeconds,
                List.of(new ApiException.Cause("DisruptionBudget", cause, null)));
    }

    private ApiException forbidden(String pdbName, String why) {
        return new ApiException(403, "Forbidden", budgets.qualifiedName() + " \"" + pdbName + "\" is forbidden: " + why,
                budgets, pdbName, List.of());
    }
}
