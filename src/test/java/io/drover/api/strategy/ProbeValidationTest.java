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
}
