package io.drover.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.kubelet.KubeletClient;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.security.Authentication;
import io.drover.api.security.Authenticator;
import io.drover.api.security.Impersonation;
import io.drover.api.security.ServiceAccountTokens;
import io.drover.api.security.UserInfo;
import io.drover.api.security.WebSocketTokenProtocol;
import io.drover.api.storage.ObjectStorage;
import io.drover.api.validation.FieldValidation;
import io.drover.store.FutureRevisionException;
import io.drover.store.StoreException;
import io.drover.store.StoreTimeoutException;
import io.drover.store.StoreUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front of the API: authenticates, routes a request to health, version, discovery or a
 * resource, and turns every refusal into a Kubernetes Status. Bad input never escapes as a 500.
 */
public final class ApiRouter {
    private static final Logger log = LoggerFactory.getLogger(ApiRouter.class);

    /** Paths anyone may read, as a Kubernetes API server allows anonymous health checks. */
    private static final Duration DATASTORE_CHECK_TIMEOUT = Duration.ofSeconds(2);
    private static final String DATASTORE_ERROR = "error getting data from etcd: ";
    private static final Executor HEALTH_CHECKS = Executors.newVirtualThreadPerTaskExecutor();
    private static final Set<String> PUBLIC_PATHS = Set.of("/healthz", "/livez", "/readyz", "/version");

    private final ObjectMapper json;
    private final ResourceRegistry registry;
    private final ResourceHandler resources;
    private final DiscoveryHandler discovery;
    private final ProxySubresources proxies;
    private final IssuerDiscovery issuer;
    private final Authenticator authenticator;
    private final HealthChecks health;
    private volatile boolean started;
    private volatile boolean stopping;

    /**
     * @param authenticator who a request's bearer token stands for
     * @param tokens what signs the service account tokens the API issues (serviceaccounts/token)
     */
    public ApiRouter(ObjectMapper json, ResourceRegistry registry, ObjectStorage storage, DiscoveryHandler discovery,
            Authenticator authenticator, ServiceAccountTokens tokens, KubeletClient kubelets) {
        this.json = json;
        this.registry = registry;
        this.resources = new ResourceHandler(storage, json, java.time.Clock.systemUTC(), registry,
                new PodLogHandler(storage, registry, kubelets), authenticator, tokens);
        this.discovery = discovery;
        this.proxies = new ProxySubresources(storage, registry);
        this.issuer = new IssuerDiscovery(json, tokens);
        this.authenticator = authenticator;
        HealthChecks.Check ping = new HealthChecks.Check("ping", Optional::empty);
        HealthChecks.Check log = new HealthChecks.Check("log", Optional::empty);
        HealthChecks.Check datastore = new HealthChecks.Check("etcd", () -> datastoreFailure(storage));
        this.health = new HealthChecks(List.of(ping, log, datastore), List.of(ping, log, datastore,
                new HealthChecks.Check("etcd-readiness", () -> datastoreFailure(storage)),
                new HealthChecks.Check("poststarthook/start-drover-controllers",
                        () -> started ? Optional.empty() : Optional.of("not finished")),
                new HealthChecks.Check("shutdown",
                        () -> stopping ? Optional.of("process is shutting down") : Optional.empty())));
    }

    /**
     * The datastore check, bounded at 2 s as kube-apiserver bounds its etcd check (a datastore gone answers late),
     * and worded as its etcd3 health check words a failure ("error getting data from etcd: ...", Go's context
     * error on the timeout).
     */
    private static Optional<String> datastoreFailure(ObjectStorage storage) {
        CompletableFuture<Optional<String>> check = CompletableFuture.supplyAsync(() -> {
            try {
                storage.checkDatastore();
                return Optional.<String>empty();
            } catch (StoreException e) {
                return Optional.of(DATASTORE_ERROR + e.getMessage());
            }
        }, HEALTH_CHECKS);
        try {
            return check.get(DATASTORE_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Optional.of(DATASTORE_ERROR + "context deadline exceeded");
        } catch (ExecutionException e) {
            return Optional.of(DATASTORE_ERROR + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /** The server is stopping: /readyz fails its shutdown check (500) and open watches end. */
    public void shutdown() {
        stopping = true;
        resources.close();
    }

    /** The server's components have started: from now on /readyz passes while the datastore answers. */
    public void markReady() {
        started = true;
    }

    public void handle(ApiRequest request, ApiResponse response) throws IOException {
        response = new StandardHeaders(request, response);
        if (OutputForm.negotiate(request.header("accept"), isWatch(request)).yaml() && !ProxySubresources.handles(
                request.path())) {
            response = new YamlResponse(response);
        }
        try {
            route(request, response);
        } catch (ApiException e) {
            sendStatus(response, e);
        } catch (FutureRevisionException e) {
            // Any read at a revision the store has not reached, where no path turned it into the Status itself.
            sendStatus(response, ApiException.resourceVersionTooLarge(e.requestedRevision(), e.currentRevision()));
        } catch (StoreTimeoutException e) {
            // The write may still land: kube's "did not complete" answer, not "unavailable" (which says it was not done).
            log.warn("{} {}: store timed out: {}", request.method(), request.path(), e.getMessage());
            sendStatus(response, ApiException.requestTimeout());
        } catch (StoreUnavailableException e) {
            log.warn("{} {}: store unavailable: {}", request.method(), request.path(), e.getMessage());
            sendStatus(response, ApiException.unavailable("the datastore is unavailable: " + e.getMessage()));
        } catch (RuntimeException e) {
            log.error("{} {} failed", request.method(), request.path(), e);
            sendStatus(response, ApiException.internal(e.getClass().getSimpleName()));
        }
    }

    private void route(ApiRequest request, ApiResponse response) throws IOException {
        request = withSubprotocolToken(request);
        String path = request.path().length() > 1 && request.path().endsWith("/")
                ? request.path().substring(0, request.path().length() - 1) : request.path();
        if (!PUBLIC_PATHS.contains(path) || presentsBearerToken(request)) {
            // Anonymous requests may read the public paths; a token that fails is a 401 on every path.
            authenticate(request, response);
            requireWellFormedImpersonation(request);
        }
        if (HealthChecks.handles(path)) {
            health.handle(request, path, response);
            return;
        }
        switch (path) {
            case "/version" -> {
                requireGet(request);
                response.send(200, "application/json", json.writeValueAsBytes(version()));
                return;
            }
            default -> { }
        }
        if (IssuerDiscovery.handles(path)) {
            requireGet(request);
            issuer.handle(request, path, response);
            return;
        }
        if (ProxySubresources.handles(request.path())) {
            proxies.handle(request, response);
            return;
        }
        Optional<ApiRequest> legacyWatch = LegacyWatchPath.rewrite(request, path);
        if (legacyWatch.isPresent()) {
            request = legacyWatch.get();
            path = request.path();
        }
        Optional<ResourcePath> resource = ResourcePath.parse(path, registry);
        if (resource.isPresent()) {
            resources.handle(request, resource.get(), response);
            return;
        }
        requireGet(request);
        if (!discovery.handle(request, path, response)) {
            throw ApiException.notFound("the server could not find the requested resource");
        }
    }

    /**
     * A WebSocket request that authenticates with a token subprotocol ({@link WebSocketTokenProtocol}) and not
     * with its Authorization header acts with that token, as kube-apiserver's authenticators accept either.
     */
    private ApiRequest withSubprotocolToken(ApiRequest request) {
        if (!isWebSocketRequest(request) || authorizes(request.header("authorization"))) {
            return request;
        }
        return WebSocketTokenProtocol.token(request.header("sec-websocket-protocol"))
                .map(token -> request.withHeader("authorization", "Bearer " + token))
                .orElse(request);
    }

    /** wsstream.IsWebSocketRequest: {@code Connection: Upgrade} and {@code Upgrade: websocket}. */
    static boolean isWebSocketRequest(ApiRequest request) {
        String connection = request.header("connection");
        return "websocket".equalsIgnoreCase(request.header("upgrade")) && connection != null
                && java.util.Arrays.stream(connection.split(",")).map(String::trim).anyMatch("upgrade"::equalsIgnoreCase);
    }

    private static boolean isWatch(ApiRequest request) {
        return request.flag("watch") || request.path().contains("/watch/");
    }

    /** A 401 unless the request's token authenticates someone; the warnings of its authenticator go to the response. */
    private void authenticate(ApiRequest request, ApiResponse response) {
        String token = bearerToken(request.header("authorization"));
        if (token == null || !(authenticator.review(token, ServiceAccountTokens.API_AUDIENCES)
                instanceof Authentication.Authenticated found)) {
            throw ApiException.unauthorized();
        }
        found.warnings().forEach(text -> response.addHeader("Warning", FieldValidation.warningHeader(text)));
    }

    /**
     * WithImpersonation's check of every authenticated request's Impersonate-* headers: groups, a uid or extras
     * without a user to impersonate are a 400. Under AlwaysAllow anyone may impersonate anyone, and only the
     * review kinds (whoami, can-i) answer with the user a request acts as.
     */
    private void requireWellFormedImpersonation(ApiRequest request) {
        Map<String, String> extras = request.headersStartingWith("impersonate-extra-");
        if (request.header("impersonate-user") == null && request.header("impersonate-group") == null
                && request.header("impersonate-uid") == null && extras.isEmpty()) {
            return; // the usual request: no second look at its token
        }
        UserInfo authenticated = user(authenticator, request.header("authorization"))
                .orElseThrow(ApiException::unauthorized);
        try {
            Impersonation.effective(authenticated, request::header, extras);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static boolean presentsBearerToken(ApiRequest request) {
        return bearerToken(request.header("authorization")) != null;
    }

    /**
     * The token of an {@code Authorization: Bearer TOKEN} header, as the bearertoken authenticator reads it (the
     * word after one space; none when it is empty); null for no bearer token, which is an anonymous request.
     */
    static String bearerToken(String header) {
        if (header == null) {
            return null;
        }
        String[] parts = header.split(" ", 3);
        if (parts.length < 2 || !parts[0].equalsIgnoreCase("bearer") || parts[1].isEmpty()) {
            return null;
        }
        return parts[1];
    }

    /** Whether an {@code Authorization} header value (null when absent) identifies an accepted client. */
    public boolean authorizes(String header) {
        return user(authenticator, header).isPresent();
    }

    /** The user an {@code Authorization} header value (null when absent) authenticates. */
    static Optional<UserInfo> user(Authenticator authenticator, String header) {
        String token = bearerToken(header);
        return token == null ? Optional.empty() : authenticator.authenticate(token);
    }

    private static void requireGet(ApiRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private ObjectNode version() {
        ObjectNode v = json.createObjectNode();
        // kubectl's dispatcher picks the client matching "minor": report the Kubernetes API level served.
        v.put("major", "1");
        v.put("minor", "32");
        v.put("gitVersion", io.drover.api.KubernetesVersion.GIT_VERSION);
        v.put("gitCommit", "");
        v.put("gitTreeState", "clean");
        v.put("buildDate", "");
        v.put("goVersion", "java" + Runtime.version().feature());
        v.put("compiler", "javac");
        v.put("platform", "linux/amd64");
        return v;
    }

    private void sendStatus(ApiResponse response, ApiException e) throws IOException {
        if (e.retryAfterSeconds() > 0) {
            // As kube-apiserver's responsewriters: client-go waits this long and tries again by itself.
            response.addHeader("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        response.send(e.code(), "application/json", json.writeValueAsBytes(e.toStatus()));
    }
}
