package io.drover.ports;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pod annotation that records its port assignments, written by the node agent before the
 * pod's first container starts. It is the only record: a restarted agent rebuilds its allocation
 * table from it, and whoever needs a pod's host ports (probes, endpoints) reads it from the pod.
 *
 * <p>The value is meant to be read in {@code kubectl describe pod}: comma-separated entries
 * {@code [name:]containerPort/PROTOCOL=hostPort}, e.g. {@code http:8080/TCP=20001,9090/UDP=20002}.
 */
public final class HostPortAnnotation {
    public static final String KEY = "drover.io/host-ports";
    private static final Pattern ENTRY = Pattern.compile("(?:([a-z0-9-]{1,15}):)?(\\d{1,5})/([A-Z]+)=(\\d{1,5})");

    private HostPortAnnotation() {}

    public static String format(List<PortAssignment> assignments) {
        StringBuilder out = new StringBuilder();
        for (PortAssignment a : assignments) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            if (!a.name().isEmpty()) {
                out.append(a.name()).append(':');
            }
            out.append(a.containerPort()).append('/').append(a.protocol()).append('=').append(a.hostPort());
        }
        return out.toString();
    }

    /** The assignments in {@code value}; empty when it is absent or not in this format (edited by hand). */
    public static Optional<List<PortAssignment>> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        List<PortAssignment> assignments = new ArrayList<>();
        if (value.isBlank()) {
            return Optional.of(assignments);
        }
        for (String entry : value.split(",")) {
            Matcher m = ENTRY.matcher(entry.trim());
            if (!m.matches()) {
                return Optional.empty();
            }
            try {
                assignments.add(new PortAssignment(Integer.parseInt(m.group(2)), m.group(3),
                        m.group(1), Integer.parseInt(m.group(4))));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.of(assignments);
    }
}
