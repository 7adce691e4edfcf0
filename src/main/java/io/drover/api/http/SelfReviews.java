package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.security.Authenticator;
import io.drover.api.security.Impersonation;
import io.drover.api.security.UserInfo;
import java.io.IOException;
import java.util.List;

/**
 * The reviews a client makes of itself, which are answered at once and never stored:
 * SelfSubjectAccessReview ({@code kubectl auth can-i VERB RESOURCE}), SelfSubjectRulesReview
 * ({@code kubectl auth can-i --list}) and SelfSubjectReview ({@code kubectl auth whoami}).
 *
 * <p>drover authorizes every authenticated request, as kube-apiserver's AlwaysAllow mode does. So
 * an access review is allowed, and the rules are every verb on everything, as AlwaysAllow's RulesFor
 * gives them. The identity is who the request's token authenticates (the kubeconfig's user, {@code
 * admin}, in the groups Kubernetes gives a cluster administrator, or a service account), or whom
 * it impersonates.
 */
final class SelfReviews {
    private static final String JSON = "application/json";

    private final ObjectMapper json;
    private final Bodies bodies;
    private final Authenticator authenticator;

    SelfReviews(ObjectMapper json, Bodies bodies, Authenticator authenticator) {
        this.json = json;
        this.bodies = bodies;
        this.authenticator = authenticator;
    }

    void handle(ApiRequest request, ResourcePath path, ApiResponse response) throws IOException {
        if (!request.method().equals("POST") || !path.isCollection() || path.subresource() != null) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        JsonNode body = bodies.parse(request.body().read(), request.header("content-type"));
        if (!body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        ObjectNode review = (ObjectNode) body;
        String apiVersion = review.path("apiVersion").asText("");
        String kind = review.path("kind").asText("");
        if (!apiVersion.isEmpty() && !apiVersion.equals(path.type().apiVersion())
                || !kind.isEmpty() && !kind.equals(path.type().kind())) {
            throw ApiException.badRequest("the body of the request was a " + apiVersion + ", Kind=" + kind
                    + ", not a " + path.type().apiVersion() + ", Kind=" + path.type().kind());
        }
        FieldChecks.apply(request, path.type(), review, response);
        review.put("apiVersion", path.type().apiVersion());
        review.put("kind", path.type().kind());
        if (!review.path("metadata").isObject()) {
            review.putObject("metadata");
        }
        ObjectNode status = switch (path.type().kind()) {
            case "SelfSubjectAccessReview" -> accessStatus(review);
            case "SelfSubjectRulesReview" -> rulesStatus();
            default -> identityStatus(actingUser(request));
        };
        review.set("status", status);
        response.send(201, JSON, json.writeValueAsBytes(review));
    }

    /** Kubernetes' ValidateSelfSubjectAccessReviewSpec, then AlwaysAllow's answer. */
    private ObjectNode accessStatus(ObjectNode review) {
        JsonNode spec = review.path("spec");
        boolean resource = spec.path("resourceAttributes").isObject();
        boolean nonResource = spec.path("nonResourceAttributes").isObject();
        if (resource && nonResource) {
            throw ApiException.invalid("SelfSubjectAccessReview.authorization.k8s.io", "", List.of(
                    new ApiException.Cause("FieldValueInvalid", "Invalid value: " + spec.path("nonResourceAttributes")
                            + ": cannot be specified in combination with resourceAttributes",
                            "spec.nonResourceAttributes")));
        }
        if (!resource && !nonResource) {
            throw ApiException.invalid("SelfSubjectAccessReview.authorization.k8s.io", "", List.of(
                    new ApiException.Cause("FieldValueInvalid", "Invalid value: \"null\": exactly one of "
                            + "nonResourceAttributes or resourceAttributes must be specified",
                            "spec.resourceAttributes")));
        }
        ObjectNode status = json.createObjectNode();
        status.put("allowed", true);
        return status;
    }

    private ObjectNode rulesStatus() {
        ObjectNode status = json.createObjectNode();
        ObjectNode resourceRule = status.putArray("resourceRules").addObject();
        resourceRule.putArray("verbs").add("*");
        resourceRule.putArray("apiGroups").add("*");
        resourceRule.putArray("resources").add("*");
        ObjectNode nonResourceRule = status.putArray("nonResourceRules").addObject();
        nonResourceRule.putArray("verbs").add("*");
        nonResourceRule.putArray("nonResourceURLs").add("*");
        status.put("incomplete", false);
        return status;
    }

    /** Who the request acts as: its token's user, or the one it impersonates ({@code kubectl --as}). */
    private UserInfo actingUser(ApiRequest request) {
        UserInfo authenticated = ApiRouter.user(authenticator, request.header("authorization"))
                .orElseThrow(ApiException::unauthorized);
        try {
            return Impersonation.effective(authenticated, request::header);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private ObjectNode identityStatus(UserInfo who) {
        ObjectNode status = json.createObjectNode();
        ObjectNode user = status.putObject("userInfo");
        user.put("username", who.username());
        if (!who.uid().isEmpty()) {
            user.put("uid", who.uid());
        }
        who.groups().forEach(user.putArray("groups")::add);
        return status;
    }
}
