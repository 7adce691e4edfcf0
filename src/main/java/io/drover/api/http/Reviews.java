package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.security.Authentication;
import io.drover.api.security.Authenticator;
import io.drover.api.validation.FieldValidation;
import io.drover.api.security.Impersonation;
import io.drover.api.security.ServiceAccountTokens;
import io.drover.api.security.UserInfo;
import io.drover.api.strategy.AccessReviewValidation;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
        matchNamespace(review, path);
        ObjectNode answer = switch (path.type().kind()) {
            case "SelfSubjectAccessReview" -> {
                AccessReviewValidation.selfSubjectAccessReview(review);
                yield allowed(review, path);
            }
            case "SubjectAccessReview" -> {
                AccessReviewValidation.subjectAccessReview(review);
                yield allowed(review, path);
            }
            case "LocalSubjectAccessReview" -> {
                AccessReviewValidation.localSubjectAccessReview(review);
                yield allowed(review, path);
            }
            case "SelfSubjectRulesReview" -> rules(review, path);
            case "TokenReview" -> {
                review.set("status", tokenStatus(review, response));
                yield review;
            }
            default -> identity(actingUser(request), path);
        };
        response.send(201, JSON, json.writeValueAsBytes(answer));
    }

    /**
     * rest.EnsureObjectNamespaceMatchesRequestNamespace, as the create handler applies it: a body's namespace is the
     * request's, or none for a cluster-scoped kind (cleared), or is refused when it names another.
     */
    private static void matchNamespace(ObjectNode review, ResourcePath path) {
        if (!review.path("metadata").isObject()) {
            review.putObject("metadata");
        }
        ObjectNode metadata = review.withObject("metadata");
        String namespace = metadata.path("namespace").asText("");
        if (!path.type().namespaced()) {
            metadata.remove("namespace");
        } else if (namespace.isEmpty()) {
            metadata.put("namespace", path.namespace());
        } else if (!namespace.equals(path.namespace())) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on "
                    + "the request");
        }
    }

    /**
     * An access review as kube-apiserver returns it: the review it decoded (its spec; its metadata, which validation
     * left empty but for a local review's namespace) with AlwaysAllow's answer as status.
     */
    private ObjectNode allowed(ObjectNode review, ResourcePath path) {
        ObjectNode answer = newObject(path, review.path("metadata").path("namespace").asText(""));
        answer.set("spec", review.path("spec"));
        answer.putObject("status").put("allowed", true);
        return answer;
    }

    /** An object of the path's kind that kube-apiserver builds for its answer: Go writes its zero creationTimestamp as null. */
    private ObjectNode newObject(ResourcePath path, String namespace) {
        ObjectNode answer = json.createObjectNode();
        answer.put("kind", path.type().kind());
        answer.put("apiVersion", path.type().apiVersion());
        ObjectNode metadata = answer.putObject("metadata");
        if (!namespace.isEmpty()) {
            metadata.put("namespace", namespace);
        }
        metadata.putNull("creationTimestamp");
        return answer;
    }

    /**
     * A TokenReview: whether the token authenticates someone, who, and for which of the audiences
     * asked for (the API server's own when none), or why not, as kube-apiserver's TokenReview REST answers it. What
     * the authenticator warns of goes to the response, as it does there (the review authenticates in the request).
     */
    private ObjectNode tokenStatus(ObjectNode review, ApiResponse response) {
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
            case Authentication.Authenticated(UserInfo user, List<String> audiences, List<String> warnings) -> {
                warnings.forEach(text -> response.addHeader("Warning", FieldValidation.warningHeader(text)));
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

    /**
     * A SelfSubjectRulesReview, as its REST answers it: the namespace is required, and the answer is a new review
     * with AlwaysAllow's rules, every verb on everything, and no spec.
     */
    private ObjectNode rules(ObjectNode review, ResourcePath path) {
        if (review.path("spec").path("namespace").asText("").isEmpty()) {
            throw ApiException.badRequest("no namespace on request");
        }
        ObjectNode answer = newObject(path, "");
        answer.putObject("spec");
        ObjectNode status = answer.putObject("status");
        ObjectNode resourceRule = status.putArray("resourceRules").addObject();
        resourceRule.putArray("verbs").add("*");
        resourceRule.putArray("apiGroups").add("*");
        resourceRule.putArray("resources").add("*");
        ObjectNode nonResourceRule = status.putArray("nonResourceRules").addObject();
        nonResourceRule.putArray("verbs").add("*");
        nonResourceRule.putArray("nonResourceURLs").add("*");
        status.put("incomplete", false);
        return answer;
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

    /** A SelfSubjectReview, a new object created now whose status is the caller's user, as its REST makes it. */
    private ObjectNode identity(UserInfo who, ResourcePath path) {
        ObjectNode answer = newObject(path, "");
        answer.withObject("metadata").put("creationTimestamp",
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        ObjectNode user = answer.putObject("status").putObject("userInfo");
        user.put("username", who.username());
        if (!who.uid().isEmpty()) {
            user.put("uid", who.uid());
        }
        who.groups().forEach(user.putArray("groups")::add);
        putExtra(user, who);
        return answer;
    }

    private static void putExtra(ObjectNode userInfo, UserInfo who) {
        if (!who.extra().isEmpty()) {
            ObjectNode extra = userInfo.putObject("extra");
            who.extra().forEach((key, values) -> values.forEach(extra.putArray(key)::add));
        }
    }
}
