package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.drover.api.ApiException;
import io.drover.api.ApiException.Cause;
import io.drover.api.storage.DeleteOptions;
import io.drover.api.strategy.GoValues;
import io.drover.api.validation.FieldTypes;
import io.drover.json.GoJsonErrors;
import io.kubernetes.client.proto.Meta;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The DeleteOptions of a DELETE of an object or a collection, read as kube-apiserver's
 * DeleteResource and DeleteCollection read them: the body, a meta.k8s.io DeleteOptions of any
 * group version, or the query when there is no body; then checked as apimachinery's
 * ValidateDeleteOptions checks them (422 Invalid on {@code DeleteOptions.meta.k8s.io}).
 *
 * <p>Before, the body's dryRun was ignored, and kubectl sends {@code --dry-run=server} there:
 * a dry-run delete of a namespace deleted the namespace and everything in it.
 *
 * <p>Two deliberate deviations. kube-apiserver ignores the query of a DELETE with a body; here the
 * query's options stand where the body has none, and a dry run asked for in either is a dry run,
 * so that no combination deletes what a client only wanted checked. And a body kube-apiserver
 * cannot decode (not an object, another kind, a value of the wrong type) is a 500 there, since
 * its DELETE handlers pass the decoder's error on unwrapped; here it is a 400 with the decoder's
 * message (without the scheme's name, which is a Go source position).
 */
final class DeleteRequestOptions {
    private static final String KIND = "DeleteOptions";
    /** The version a body's kind is looked up in when the body names none (the handler's MetaGroupVersion). */
    private static final String META_VERSION = "meta.k8s.io/v1";
    /** Go's name for the struct kube-apiserver decodes a body's apiVersion and kind into first. */
    private static final String TYPE_META_STRUCT = "struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; "
            + "Kind string \"json:\\\"kind,omitempty\\\"\" }";
    private static final List<String> POLICIES = List.of("Foreground", "Background", "Orphan");

    private DeleteRequestOptions() {}

    /**
     * The request's DeleteOptions.
     *
     * @throws ApiException 400 for a body that is not a DeleteOptions, 422 for options Kubernetes
     *     refuses (an unsupported dryRun or propagationPolicy, orphanDependents with a policy)
     */
    static DeleteOptions read(ApiRequest request, Bodies bodies) throws IOException {
        byte[] body = request.body().read();
        JsonNode options = body.length > 0 ? decode(bodies.parse(body, request.header("content-type")))
                : MissingNode.getInstance();
        List<String> queryDryRun = DryRun.queried(request);
        List<Cause> problems = problems(options, request.param("propagationPolicy"), request.param("orphanDependents"),
                queryDryRun);
        if (!problems.isEmpty()) {
            throw invalid(problems);
        }
        // Valid dryRun values are all "All": any value at all asks for a dry run.
        boolean dryRun = !queryDryRun.isEmpty() || !options.path("dryRun").isEmpty();
        return DeleteOptions.of(options, request.param("propagationPolicy"), request.param("gracePeriodSeconds"),
                QueryBooleans.parse(request.param("orphanDependents")), dryRun);
    }

    /** The body as a DeleteOptions object, or missing for a JSON null, which Go decodes as no options. */
    private static JsonNode decode(JsonNode body) {
        if (body.isNull()) {
            return MissingNode.getInstance();
        }
        if (!body.isObject()) {
            throw typeMetaError("json: cannot unmarshal " + GoJsonErrors.kindOf(body) + " into Go value of type "
                    + TYPE_META_STRUCT);
        }
        for (String member : List.of("apiVersion", "kind")) {
            JsonNode value = body.path(member);
            if (!value.isMissingNode() && !value.isNull() && !value.isTextual()) {
                throw typeMetaError("json: cannot unmarshal " + GoJsonErrors.kindOf(value) + " into Go struct field ." + member
                        + " of type string");
            }
        }
        String kind = body.path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals(KIND)) {
            String apiVersion = body.path("apiVersion").asText("");
            throw ApiException.badRequest("no kind " + GoValues.quote(kind) + " is registered for version "
                    + GoValues.quote(apiVersion.isEmpty() ? META_VERSION : apiVersion));
        }
        FieldTypes.valueError(Meta.DeleteOptions.getDescriptor(), body).ifPresent(error -> {
            throw ApiException.badRequest(error);
        });
        return body;
    }

    private static ApiException typeMetaError(String jsonError) {
        return ApiException.badRequest("couldn't get version/kind; json parse error: " + jsonError);
    }

    /**
     * The 422 rest.BeforeDelete answers for the DeleteOptions object {@code options} (an Eviction's
     * deleteOptions), empty when they are valid.
     */
    static Optional<ApiException> refusal(JsonNode options) {
        List<Cause> problems = problems(options, null, null, List.of());
        return problems.isEmpty() ? Optional.empty() : Optional.of(invalid(problems));
    }

    private static ApiException invalid(List<Cause> problems) {
        return ApiException.invalid("DeleteOptions.meta.k8s.io", "", problems);
    }

    /** ValidateDeleteOptions (k8s.io/apimachinery/pkg/apis/meta/v1/validation), every problem at once. */
    private static List<Cause> problems(JsonNode body, String queryPolicy, String queryOrphan,
            List<String> queryDryRun) {
        List<Cause> causes = new ArrayList<>();
        String policy = body.hasNonNull("propagationPolicy") ? body.get("propagationPolicy").asText() : queryPolicy;
        // Both given, in the body or the query (which stands where the body is silent), as the options decode.
        boolean orphan = body.hasNonNull("orphanDependents") || queryOrphan != null;
        if (policy != null && orphan) {
            causes.add(new Cause("FieldValueInvalid", "Invalid value: " + GoValues.quote(policy)
                    + ": orphanDependents and deletionPropagation cannot be both set", "propagationPolicy"));
        }
        if (policy != null && !POLICIES.contains(policy)) {
            causes.add(new Cause("FieldValueNotSupported", "Unsupported value: " + GoValues.quote(policy)
                    + ": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"", "propagationPolicy"));
        }
        List<String> bodyDryRun = new ArrayList<>();
        // A null element decodes as Go's empty string.
        body.path("dryRun").forEach(value -> bodyDryRun.add(value.isNull() ? "" : value.asText()));
        DryRun.unsupported(bodyDryRun).ifPresent(causes::add);
        DryRun.unsupported(queryDryRun).ifPresent(causes::add);
        return causes;
    }
}
