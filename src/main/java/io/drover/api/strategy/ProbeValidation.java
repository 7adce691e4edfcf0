package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Kubernetes' checks of a container's probes and lifecycle hooks (pkg/apis/core/validation: validateProbe,
 * validateHandler, validateLifecycle and the successThreshold rule of validateContainers): exactly one handler, non-negative timings,
 * successThreshold 1 for liveness and startup probes, a positive probe-level grace period (none on a readiness probe),
 * ports in range or valid port names, HTTP header names.
 */
final class ProbeValidation {
    private static final List<String> PROBES = List.of("livenessProbe", "readinessProbe", "startupProbe");
    private static final List<String> HANDLERS = List.of("exec", "httpGet", "tcpSocket", "grpc");
    private static final List<String> HOOK_HANDLERS = List.of("exec", "httpGet", "tcpSocket", "sleep");
    private static final List<String> NON_NEGATIVE = List.of("initialDelaySeconds", "timeoutSeconds", "periodSeconds",
            "successThreshold", "failureThreshold");
    private static final List<String> SCHEMES = List.of("HTTP", "HTTPS");
    private static final String HEADER_NAME_FMT = "[-A-Za-z0-9]+";
    private static final Pattern HEADER_NAME = Pattern.compile(HEADER_NAME_FMT);
    private static final String HEADER_NAME_ERROR = NameRules.regexError(
            "a valid HTTP header must consist of alphanumeric characters or '-'", HEADER_NAME_FMT, "X-Header-Name");

    private ProbeValidation() {}

    /** The problems of the probes of the container at {@code path}. */
    static List<Cause> validate(ObjectNode container, String path) {
        List<Cause> causes = new ArrayList<>();
        for (String kind : PROBES) {
            ObjectNode probe = Nodes.object(container, kind);
            if (probe != null) {
                causes.addAll(probe(probe, kind, path + "." + kind));
            }
        }
        return causes;
    }

    /** validateProbe, then the kind's own rule: successThreshold 1, or no grace period on a readiness probe. */
    private static List<Cause> probe(ObjectNode probe, String kind, String at) {
        List<Cause> causes = new ArrayList<>(handler(probe, at));
        for (String field : NON_NEGATIVE) {
            JsonNode value = probe.get(field);
            if (value != null && value.isNumber() && value.asLong() < 0) {
                causes.add(Causes.invalid(at + "." + field, value.asText(), "must be greater than or equal to 0"));
            }
        }
        JsonNode grace = probe.get("terminationGracePeriodSeconds");
        boolean graceSet = grace != null && grace.isNumber();
        if (graceSet && grace.asLong() <= 0) {
            causes.add(Causes.invalid(at + ".terminationGracePeriodSeconds", grace.asText(), "must be greater than 0"));
        }
        JsonNode success = probe.get("successThreshold");
        if (kind.equals("readinessProbe")) {
            if (graceSet) {
                causes.add(Causes.invalid(at + ".terminationGracePeriodSeconds", grace.asText(),
                        "must not be set for readinessProbes"));
            }
        } else if (success != null && success.isNumber() && success.asLong() != 1) {
            causes.add(Causes.invalid(at + ".successThreshold", success.asText(), "must be 1"));
        }
        return causes;
    }

    /**
     * The problems of the container's lifecycle hooks (validateLifecycle): each hook one handler, exec with a
     * command, httpGet and tcpSocket with a port number or name (0 when missing), sleep within the pod's grace period.
     */
    static List<Cause> lifecycle(ObjectNode container, String path, long gracePeriod) {
        ObjectNode lifecycle = Nodes.object(container, "lifecycle");
        if (lifecycle == null) {
            return List.of();
        }
        List<Cause> causes = new ArrayList<>();
        for (String hook : List.of("postStart", "preStop")) {
            ObjectNode handler = Nodes.object(lifecycle, hook);
            if (handler == null) {
                continue;
            }
            String at = path + ".lifecycle." + hook;
            causes.addAll(handler(handler, at, HOOK_HANDLERS));
            ObjectNode sleep = Nodes.object(handler, "sleep");
            if (sleep != null) {
                long seconds = sleep.path("seconds").asLong(0); // absent is Go's zero
                if (seconds <= 0 || seconds > gracePeriod) {
                    causes.add(Causes.invalid(at + ".sleep", Long.toString(seconds),
                            "must be greater than 0 and less than terminationGracePeriodSeconds (" + gracePeriod + ")"));
                }
            }
        }
        return causes;
    }

    private static List<Cause> handler(ObjectNode probe, String at) {
        return handler(probe, at, HANDLERS);
    }

    private static List<Cause> handler(ObjectNode probe, String at, List<String> handlers) {
        List<Cause> causes = new ArrayList<>();
        int found = 0;
        for (String name : handlers) {
            ObjectNode h = Nodes.object(probe, name);
            if (h == null) {
                continue;
            }
            if (++found > 1) {
                causes.add(Causes.forbidden(at + "." + name, "may not specify more than 1 handler type"));
                continue;
            }
            String hat = at + "." + name;
            switch (name) {
                case "exec" -> {
                    if (h.get("command") == null || !h.get("command").isArray() || h.get("command").isEmpty()) {
                        causes.add(Causes.required(hat + ".command"));
                    }
                }
                case "httpGet" -> {
                    causes.addAll(port(h.get("port"), hat + ".port"));
                    String scheme = Nodes.text(h, "scheme");
                    if (!scheme.isEmpty() && !SCHEMES.contains(scheme)) {
                        causes.add(Causes.notSupported(hat + ".scheme", GoValues.quote(scheme), SCHEMES));
                    }
                    // IsHTTPHeaderName, reported at the list (no index), as Kubernetes does.
                    for (ObjectNode header : Nodes.objects(h, "httpHeaders")) {
                        String headerName = Nodes.text(header, "name");
                        if (!HEADER_NAME.matcher(headerName).matches()) {
                            causes.add(Causes.invalid(hat + ".httpHeaders", GoValues.quote(headerName), HEADER_NAME_ERROR));
                        }
                    }
                }
                case "tcpSocket" -> causes.addAll(port(h.get("port"), hat + ".port"));
                // An int32, never a name (a string fails to decode before validation).
                case "grpc" -> causes.addAll(portNumber(h.get("port"), hat + ".port"));
                case "sleep" -> { } // its seconds are checked against the pod's grace period
                default -> throw new IllegalStateException("handler " + name);
            }
        }
        if (found == 0) {
            causes.add(Causes.required(at, "must specify a handler type"));
        }
        return causes;
    }

    /**
     * ValidatePortNumOrName: a number in 1-65535 or an IANA service name. An absent port is the IntOrString's zero
     * value, the number 0, as Kubernetes decodes it.
     */
    private static List<Cause> port(JsonNode port, String at) {
        if (port != null && port.isTextual()) {
            return Causes.invalidEach(at, port.asText(), NameRules.portName(port.asText()));
        }
        return portNumber(port, at);
    }

    private static List<Cause> portNumber(JsonNode port, String at) {
        long number = port == null || !port.isNumber() ? 0 : port.asLong();
        return NameRules.portNumber(number).stream().map(m -> Causes.invalid(at, Long.toString(number), m)).toList();
    }
}
