package io.drover.api.security;

import java.util.List;
import java.util.stream.Collectors;

/** Token audiences as kube-apiserver compares and prints them (authenticator.Audiences). */
final class Audiences {
    /** The audiences the API server accepts by default (kube-apiserver's --api-audiences, kubeadm's issuer). */
    static final List<String> API = List.of(ServiceAccountTokens.ISSUER);

    private Audiences() {}

    /** Those of {@code ours} that {@code wanted} names too, in the order of {@code ours} (Audiences.Intersect). */
    static List<String> intersect(List<String> ours, List<String> wanted) {
        return ours.stream().filter(wanted::contains).toList();
    }

    /** A list as Go's {@code %q} prints a []string: {@code ["a" "b"]}. */
    static String quoted(List<String> audiences) {
        return audiences.stream().map(Audiences::quoted).collect(Collectors.joining(" ", "[", "]"));
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
