package io.drover.api.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-apiserver's {@code /healthz}, {@code /livez} and {@code /readyz} (healthz.go): each runs its named checks;
 * "ok" when all pass, every check's line with {@code ?verbose}, and on a failure always the lines (the reason
 * withheld, as the endpoint is public; it goes to the log) and a 500. {@code ?exclude=NAME} skips a check, and
 * each check is also served alone at {@code /livez/NAME}.
 */
final class HealthChecks {
    private static final Logger log = LoggerFactory.getLogger(HealthChecks.class);
    private static final List<String> ENDPOINTS = List.of("healthz", "livez", "readyz");

    /** One named check: empty when it passes, else why it fails. */
    record Check(String name, Supplier<Optional<String>> failure) {}

    private final List<Check> liveness;
    private final List<Check> readiness;

    /**
     * @param liveness the checks of /healthz and /livez
     * @param readiness the checks of /readyz
     */
    HealthChecks(List<Check> liveness, List<Check> readiness) {
        this.liveness = List.copyOf(liveness);
        this.readiness = List.copyOf(readiness);
    }

    /** Whether {@code path} is one of the endpoints or a check under one. */
    static boolean handles(String path) {
        for (String endpoint : ENDPOINTS) {
            if (path.equals("/" + endpoint) || path.startsWith("/" + endpoint + "/")) {
                return true;
            }
        }
        return false;
    }

    void handle(ApiRequest request, String path, ApiResponse response) throws IOException {
        String endpoint = path.substring(1).split("/", 2)[0];
        List<Check> checks = endpoint.equals("readyz") ? readiness : liveness;
        String rest = path.substring(endpoint.length() + 1);
        if (rest.isEmpty()) {
            all(request, endpoint, checks, response);
            return;
        }
        Optional<Check> check = checks.stream().filter(c -> rest.equals("/" + c.name())).findFirst();
        if (check.isEmpty()) {
            send(response, 404, "404 page not found\n");
            return;
        }
        Optional<String> failure = check.get().failure().get();
        if (failure.isPresent()) {
            send(response, 500, "internal server error: " + failure.get() + "\n");
        } else {
            send(response, 200, "ok");
        }
    }

    /** handleRootHealth. */
    private static void all(ApiRequest request, String endpoint, List<Check> checks, ApiResponse response)
            throws IOException {
        List<String> exclude = request.query().getOrDefault("exclude", List.of());
        TreeSet<String> unmatched = new TreeSet<>(exclude);
        StringBuilder lines = new StringBuilder();
        List<String> failed = new ArrayList<>();
        for (Check check : checks) {
            if (exclude.contains(check.name())) {
                unmatched.remove(check.name());
                lines.append("[+]").append(check.name()).append(" excluded: ok\n");
                continue;
            }
            Optional<String> failure = check.failure().get();
            if (failure.isPresent()) {
                lines.append("[-]").append(check.name()).append(" failed: reason withheld\n");
                log.info("{} check {} failed: {}", endpoint, check.name(), failure.get());
                failed.add(check.name());
            } else {
                lines.append("[+]").append(check.name()).append(" ok\n");
            }
        }
        if (!unmatched.isEmpty()) {
            lines.append("warn: some health checks cannot be excluded: no matches for ")
                    .append(unmatched.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "))).append('\n');
        }
        if (!failed.isEmpty()) {
            send(response, 500, lines + endpoint + " check failed\n");
        } else if (request.query().containsKey("verbose")) {
            send(response, 200, lines + endpoint + " check passed\n");
        } else {
            send(response, 200, "ok");
        }
    }

    private static void send(ApiResponse response, int status, String text) throws IOException {
        response.send(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }
}
