package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeValidationTest {
    private final PodStrategy strategy = new PodStrategy();

    private List<String> create(String container) {
        var pod = Json.parse("{metadata: {name: 'p'}, spec: {containers: [" + container + "]}}");
        strategy.applyDefaults(pod);
        return Json.printed(strategy.validateCreate(pod));
    }

    @Test
    void acceptsEachHandler() {
        assertThat(create("{name: 'a', image: 'x:1', livenessProbe: {httpGet: {port: 'http'}},"
                + " readinessProbe: {tcpSocket: {port: 80}}, startupProbe: {exec: {command: ['true']}}}")).isEmpty();
        assertThat(create("{name: 'a', image: 'x:1', readinessProbe: {grpc: {port: 9000}}}")).isEmpty();
    }

    @Test
    void livenessAndStartupNeedSuccessThresholdOne() {
        assertThat(create("{name: 'a', image: 'x:1', livenessProbe: {exec: {command: ['true']}, successThreshold: 2},"
                + " startupProbe: {exec: {command: ['true']}, successThreshold: 3},"
                + " readinessProbe: {exec: {command: ['true']}, successThreshold: 2}}"))
                .containsExactly("spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
                        "spec.containers[0].startupProbe.successThreshold: Invalid value: 3: must be 1");
    }

    @Test
    void needsExactlyOneHandler() {
        assertThat(create("{name: 'a', image: 'x:1', readinessProbe: {periodSeconds: 1}}"))
                .containsExactly("spec.containers[0].readinessProbe: Required value: must specify a handler type");
        assertThat(create("{name: 'a', image: 'x:1', readinessProbe: {exec: {command: ['true']}, tcpSocket: {port: 1}}}"))
                .containsExactly("spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1"
                        + " handler type");
    }

    @Test
    void refusesNegativeTimingsBadPortsAndAZeroGracePeriod() {
        assertThat(create("{name: 'a', image: 'x:1', livenessProbe: {httpGet: {port: 70000, scheme: 'FTP'},"
                + " periodSeconds: -1, terminationGracePeriodSeconds: 0}}"))
                .containsExactly(
                        "spec.containers[0].livenessProbe.httpGet.port: Invalid value: 70000: must be between 1 and"
                                + " 65535, inclusive",
                        "spec.containers[0].livenessProbe.httpGet.scheme: Unsupported value: \"FTP\": supported values:"
                                + " \"HTTP\", \"HTTPS\"",
                        "spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or"
                                + " equal to 0",
                        "spec.containers[0].livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be"
                                + " greater than 0");
        assertThat(create("{name: 'a', image: 'x:1', livenessProbe: {exec: {}}}"))
                .containsExactly("spec.containers[0].livenessProbe.exec.command: Required value");
    }

    @Test
    void probePortsAreNumbersOrPortNamesAndAMissingOneIsZero() {
        String range = "must be between 1 and 65535, inclusive";
        assertThat(create("{name: 'a', image: 'x:1', livenessProbe: {httpGet: {path: '/'}},"
                + " readinessProbe: {tcpSocket: {port: 'HTTP'}}, startupProbe: {grpc: {}}}")).containsExactly(
                        "spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: " + range,
                        "spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: \"HTTP\": must contain only"
                                + " alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                        "spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: \"HTTP\": must contain at"
                                + " least one letter (a-z)",
                        "spec.containers[0].startupProbe.grpc.port: Invalid value: 0: " + range);
        assertThat(create("{name: 'a', image: 'x:1', livenessProbe: {httpGet: {port: 'a-much-too-long-name'}}}"))
                .containsExactly("spec.containers[0].livenessProbe.httpGet.port: Invalid value:"
                        + " \"a-much-too-long-name\": must be no more than 15 characters");
    }

    @Test
    void httpHeaderNamesAreTokens() {
        assertThat(create("{name: 'a', image: 'x:1', livenessProbe: {httpGet: {port: 80, httpHeaders:"
                + " [{name: 'X-Fine', value: 'v'}, {name: 'Not Fine', value: 'v'}]}}}")).containsExactly(
                        "spec.containers[0].livenessProbe.httpGet.httpHeaders: Invalid value: \"Not Fine\": a valid"
                                + " HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name',"
                                + " regex used for validation is '[-A-Za-z0-9]+')");
    }

    @Test
    void aReadinessProbeHasNoGracePeriod() {
        assertThat(create("{name: 'a', image: 'x:1', readinessProbe: {exec: {command: ['true']},"
                + " terminationGracePeriodSeconds: 10}, livenessProbe: {exec: {command: ['true']},"
                + " terminationGracePeriodSeconds: 10}}")).containsExactly(
                        "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 10: must not"
                                + " be set for readinessProbes");
    }
}
