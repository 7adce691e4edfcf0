package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.security.Authentication;
import io.drover.api.security.Authenticator;
import io.drover.api.security.Impersonation;
import io.drover.api.security.ServiceAccountTokens;
import io.drover.api.security.UserInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The reviews, which are answered at once and never stored: those a client makes of itself,
 * SelfSubjectAccessReview ({@code kubectl auth can-i VERB RESOURCE}), SelfSubjectRulesReview
 * ({@code kubectl auth can-i --list}) and SelfSubjectReview ({@code kubectl auth whoami}); and
 * those a service makes for its own clients (an authenticating proxy's): TokenReview,
 * SubjectAccessReview and LocalSubjectAccessReview.
 *
 * <p>drover authorizes every authenticated request, as kube-apiserver's AlwaysAllow mode does. So
 * an access review is allowed, and the rules are every verb on everything, as AlwaysAllow's RulesFor
 * gives them. The identity is who the request's token authenticates (the kubeconfig's user, {@code
 * admin}, in the groups Kubernetes gives a cluster administrator, or a service account), or whom
 * it impersonates.
 */
final class Reviews {
    private static final String JSON = "application/json";

    private final ObjectMapper json;
    private final Bodies bodies;
    private final Authenticator authenticator;

    Reviews(ObjectMapper json, Bodies bodies, Authenticator authenticator) {
        this.json = json;
        this.bodies = bodies;
        this.authenticator = authenticator;
    }

    void handle(ApiRequest request, ResourcePath path, ApiResponse response) throws IOException {
        if (!request.method().equals("POST") || !path.isCollection() || path.subresource() != null) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        JsonNode body = bodies.parse(request.body().read(), request.header("content-type"), BodyKind.of(path));
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
        FieldChecks.apply(WriteOptions.of(request, WriteOptions.Verb.CREATE).fieldValidation(), path.type(), review, response);
        review.put("apiVersion", path.type().apiVersion());
        review.put("kind", path.type().kind());
        if (!review.path("metadata").isObject()) {
            review.putObject("metadata");
        }
        ObjectNode status = switch (path.type().kind()) {
            case "SelfSubjectAccessReview" -> accessStatus(review);
            case "SelfSubjectRulesReview" -> rulesStatus();
            case "SubjectAccessReview", "LocalSubjectAccessReview" -> subjectAccessStatus(review, path);
            case "TokenReview" -> tokenStatus(review);
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

    /**
     * ValidateSubjectAccessReviewSpec (a user or a group; exactly one kind of attributes) and, for a
     * LocalSubjectAccessReview, its namespace rules; then AlwaysAllow's answer.
     */
    private ObjectNode subjectAccessStatus(ObjectNode review, ResourcePath path) {
        JsonNode spec = review.path("spec");
        String kind = path.type().kind() + ".authorization.k8s.io";
        List<ApiException.Cause> causes = new ArrayList<>();
        boolean resource = spec.path("resourceAttributes").isObject();
        boolean nonResource = spec.path("nonResourceAttributes").isObject();
        if (resource && nonResource) {
            causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: " + spec.path("nonResourceAttributes")
                    + ": cannot be specified in combination with resourceAttributes", "spec.nonResourceAttributes"));
        } else if (!resource && !nonResource) {
            causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \"null\": exactly one of "
                    + "nonResourceAttributes or resourceAttributes must be specified", "spec.resourceAttributes"));
        }
        if (spec.path("user").asText("").isEmpty() && spec.path("groups").isEmpty()) {
            causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \"\": at least one of user or group "
                    + "must be specified", "spec.user,spec.groups"));
        }
        if (path.type().namespaced()) {
            if (nonResource) {
                causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: " + spec.path("nonResourceAttributes")
                        + ": disallowed on this kind of request", "spec.nonResourceAttributes"));
            }
            String namespace = spec.path("resourceAttributes").path("namespace").asText("");
            if (resource && !namespace.equals(path.namespace())) {
                causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \"" + namespace
                        + "\": must match metadata.namespace", "spec.resourceAttributes.namespace"));
            }
            review.withObject("metadata").put("namespace", path.namespace());
        }
        if (!causes.isEmpty()) {
            throw ApiException.invalid(kind, "", causes);
        }
        ObjectNode status = json.createObjectNode();
        status.put("allowed", true);
        return status;
    }

    /**
     * A TokenReview: whether the token authenticates someone, who, and for which of the audiences
     * asked for (the API server's own when none), or why not, as kube-apiserver's TokenReview REST answers it.
     */
    private ObjectNode tokenStatus(ObjectNode review) {
        String token = review.path("spec").path("token").asText("");
        if (token.isEmpty()) {
            throw ApiException.badRequest("token is required for TokenReview in authentication");
        }
        List<String> wanted = new ArrayList<>();
        review.path("spec").path("audiences").forEach(a -> wanted.add(a.asText()));
        Authentication found = authenticator.review(token, wanted.isEmpty() ? List.of(ServiceAccountTokens.ISSUER) : wanted);
        ObjectNode status = json.createObjectNode();
        status.put("authenticated", found instanceof Authentication.Authenticated);
        ObjectNode userInfo = status.putObject("user");
        switch (found) {
            case Authentication.Authenticated(UserInfo user, List<String> audiences) -> {
                userInfo.put("username", user.username());
                if (!user.uid().isEmpty()) {
                    userInfo.put("uid", user.uid());
                }
                user.groups().forEach(userInfo.putArray("groups")::add);
                putExtra(userInfo, user);
                audiences.forEach(status.putArray("audiences")::add);
            }
            case Authentication.Unauthenticated(String error) -> status.put("error", error);
        }
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
            return Impersonation.effective(authenticated, request::header,
                    request.headersStartingWith("impersonate-extra-"));
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
        putExtra(user, who);
        return status;
    }

    private static void putExtra(ObjectNode userInfo, UserInfo who) {
        if (!who.extra().isEmpty()) {
            ObjectNode extra = userInfo.putObject("extra");
            who.extra().forEach((key, values) -> values.forEach(extra.putArray(key)::add));
        }
    }
}
