package io.drover.api.http;

import static io.drover.api.http.PercentEncoding.encode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.ObjectStorage;
import io.drover.ports.HostPortAnnotation;
import io.drover.ports.PortAssignment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The services/proxy and pods/proxy subresources:
 * {@code /api/v1/namespaces/NS/(services|pods)/[SCHEME:]NAME[:PORT]/proxy/PATH} forwards the
 * request, as kube-apiserver does (the URLs {@code kubectl cluster-info} prints, and
 * {@code kubectl get --raw} or {@code kubectl proxy} through them).
 *
 * <p>For a Service the port is a Service port's name or number, without one the Service's unnamed
 * port, and the endpoint is picked at random from the Service's Endpoints, as Kubernetes'
 * ResourceLocation picks it. For a pod the port is a container port, without one the pod's first
 * declared port, at the pod's IP; a container port the node agent mapped to a host port (the
 * {@code drover.io/host-ports} annotation) is reached at that host port. The client's
 * Authorization header is not forwarded, nor are hop-by-hop headers.
 *
 * <p>Deviations: links in HTML answers are not rewritten to go through the proxy, protocol upgrades
 * (WebSockets) are refused, and a pod IP is not required to be a global unicast address (a pod of
 * the process runtime has its node's address).
 */
final class ProxySubresources {
    private static final Pattern PATH =
            Pattern.compile("^/api/v1/namespaces/([^/]+)/(services|pods)/([^/]+)/proxy(/.*)?$");
    /** Headers that belong to one connection (RFC 9110 7.6.1), plus what the proxy sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length",
            "authorization", "expect", "http2-settings");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final BigInteger MAX_PORT = BigInteger.valueOf(65_535);

    private final ObjectStorage storage;
    private final ResourceType services;
    private final ResourceType endpoints;
    private final ResourceType pods;
    private final HttpClient http;

    ProxySubresources(ObjectStorage storage, ResourceRegistry registry) {
        this.storage = storage;
        this.services = registry.find("", "v1", "services").orElseThrow();
        this.endpoints = registry.find("", "v1", "endpoints").orElseThrow();
        this.pods = registry.find("", "v1", "pods").orElseThrow();
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Whether {@code path} (as requested, with its trailing slash) is a services/proxy or pods/proxy path. */
    static boolean handles(String path) {
        return PATH.matcher(path).matches();
    }

    void handle(ApiRequest request, ApiResponse response) throws IOException {
        Matcher m = PATH.matcher(request.path());
        if (!m.matches()) {
            throw ApiException.notFound("the server could not find the requested resource");
        }
        if (request.header("upgrade") != null) {
            throw ApiException.badRequest("upgrading the connection is not supported by the services/proxy of "
                    + "this server");
        }
        boolean service = m.group(2).equals("services");
        String[] parts = m.group(3).split(":", -1);
        String scheme = parts.length == 3 ? parts[0] : "";
        String name = parts.length == 3 ? parts[1] : parts[0];
        String port = parts.length == 3 ? parts[2] : parts.length == 2 ? parts[1] : "";
        if (parts.length > 3 || name.isEmpty() || !Set.of("", "http", "https").contains(scheme)) {
            throw ApiException.badRequest("invalid " + (service ? "service" : "pod") + " request \"" + m.group(3)
                    + "\"");
        }
        String host = service ? serviceEndpoint(m.group(1), m.group(3), name, port)
                : podAddress(m.group(1), name, port);
        URI target = URI.create((scheme.isEmpty() ? "http" : scheme) + "://" + host)
                .resolve(m.group(4) == null ? "/" : m.group(4));
        String query = rawQuery(request);
        if (!query.isEmpty()) {
            target = URI.create(target + "?" + query);
        }
        forward(request, target, m.group(3), response);
    }

    /** Kubernetes' pod ResourceLocation: the pod's IP and the port asked for or its first one. */
    private String podAddress(String namespace, String name, String port) {
        ObjectNode pod = storage.get(pods, namespace, name);
        if (port.isEmpty()) {
            for (JsonNode container : pod.path("spec").path("containers")) {
                if (!container.path("ports").isEmpty()) {
                    port = container.path("ports").get(0).path("containerPort").asText();
                    break;
                }
            }
        }
        String ip = pod.path("status").path("podIP").asText("");
        if (ip.isEmpty()) {
            throw ApiException.badRequest("address not allowed");
        }
        if (port.isEmpty()) {
            return hostPort(ip, 80);
        }
        if (!port.matches("[+-]?\\d+")) {
            throw ApiException.badRequest("invalid pod request port \"" + port + "\"");
        }
        // Kubernetes leaves the port to the dial, which refuses one out of range (Go's LookupPort).
        BigInteger number = new BigInteger(port);
        if (number.signum() < 0 || number.compareTo(MAX_PORT) > 0) {
            throw unreachable("dial tcp: address " + port + ": invalid port");
        }
        int containerPort = number.intValue();
        int reached = HostPortAnnotation.parse(pod.path("metadata").path("annotations").path(HostPortAnnotation.KEY)
                        .asText(null)).orElse(List.of()).stream()
                .filter(a -> a.isFor(containerPort, "TCP")).mapToInt(PortAssignment::hostPort).findFirst()
                .orElse(containerPort);
        return hostPort(ip, reached);
    }

    /** Kubernetes' service ResourceLocation: a ready endpoint's address and port. */
    private String serviceEndpoint(String namespace, String id, String name, String port) {
        ObjectNode service = storage.get(services, namespace, name);
        if (port.matches("\\d+")) {
            String named = null;
            for (JsonNode p : service.path("spec").path("ports")) {
                if (p.path("port").asText().equals(port)) {
                    named = p.path("name").asText("");
                    break;
                }
            }
            if (named == null) {
                throw ApiException.unavailable("no service port " + port + " found for service \"" + name + "\"");
            }
            port = named;
        }
        JsonNode subsets;
        try {
            subsets = storage.get(endpoints, namespace, name).path("subsets");
        } catch (ApiException e) {
            if (e.code() != 404) {
                throw e;
            }
            subsets = null;
        }
        if (subsets == null || subsets.isEmpty()) {
            throw ApiException.unavailable("no endpoints available for service \"" + name + "\"");
        }
        List<String> hosts = new ArrayList<>();
        for (JsonNode subset : subsets) {
            for (JsonNode p : subset.path("ports")) {
                if (p.path("name").asText("").equals(port)) {
                    for (JsonNode address : subset.path("addresses")) {
                        hosts.add(hostPort(address.path("ip").asText(), p.path("port").asInt()));
                    }
                }
            }
        }
        if (hosts.isEmpty()) {
            throw ApiException.unavailable("no endpoints available for service \"" + id + "\"");
        }
        return hosts.get(ThreadLocalRandom.current().nextInt(hosts.size()));
    }

    /** What kube-apiserver's proxy transport answers when it cannot reach the target: 503 with Go's error. */
    private static ApiException unreachable(String goError) {
        return ApiException.unavailable("error trying to reach service: " + goError);
    }

    /** Go's net error for a connection to {@code authority} that failed as {@code e} tells. */
    private static String dialError(String authority, IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "dial tcp " + authority + ": i/o timeout";
        }
        if (causedBy(e, ConnectException.class)) {
            return "dial tcp " + authority + ": connect: connection refused";
        }
        if (causedBy(e, NoRouteToHostException.class)) {
            return "dial tcp " + authority + ": connect: no route to host";
        }
        // Connected, but no answer came: Go reports the end of the stream as EOF.
        return e.getMessage() == null ? "EOF" : e.getMessage();
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String hostPort(String ip, int port) {
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }

    private static String rawQuery(ApiRequest request) {
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, List<String>> param : request.query().entrySet()) {
            for (String value : param.getValue()) {
                if (!query.isEmpty()) {
                    query.append('&');
                }
                query.append(encode(param.getKey())).append('=').append(encode(value));
            }
        }
        return query.toString();
    }

    private void forward(ApiRequest request, URI target, String id, ApiResponse response) throws IOException {
        byte[] body = request.body().read();
        HttpRequest.Builder out = HttpRequest.newBuilder(target).method(request.method(),
                body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, String> header : request.headers().entrySet()) {
            if (!NOT_FORWARDED.contains(header.getKey())) {
                try {
                    out.header(header.getKey(), header.getValue());
                } catch (IllegalArgumentException restricted) {
                    // A header the JDK client sets itself.
                }
            }
        }
        HttpResponse<InputStream> answer;
        try {
            answer = http.send(out.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while proxying to \"" + id + "\"");
        } catch (IOException e) {
            throw unreachable(dialError(target.getAuthority(), e));
        }
        answer.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (!NOT_FORWARDED.contains(lower) && !lower.equals("content-type") && !lower.startsWith(":")) {
                values.forEach(v -> response.addHeader(name, v));
            }
        });
        String contentType = answer.headers().firstValue("content-type").orElse(null);
        try (InputStream in = answer.body(); OutputStream stream = response.stream(answer.statusCode(), contentType)) {
            in.transferTo(stream);
        }
    }
}
