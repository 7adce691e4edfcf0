package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PodEphemeralContainersTest {

    @Test
    void anEphemeralContainerIsCheckedAsAContainerIsAndMayNotHaveWhatItCannotUse() {
        assertThat(Json.printed(PodEphemeralContainers.validate(Json.parse("{volumes: [{name: 'data'}],"
                + " containers: [{name: 'app'}], ephemeralContainers: [{name: 'debug', targetContainerName: 'nope',"
                + " ports: [{containerPort: 80}], env: [{name: 'A=B', value: 'x'}], volumeMounts: [{name: 'gone',"
                + " mountPath: '/x'}, {name: 'data', mountPath: '/d', subPath: 'sub'}]}]}")))).containsExactly(
                "spec.ephemeralContainers[0].targetContainerName: Not found: \"nope\"",
                "spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container",
                "spec.ephemeralContainers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name "
                        + "must consist only of printable ASCII characters other than '='",
                "spec.ephemeralContainers[0].volumeMounts[0].name: Not found: \"gone\"",
                "spec.ephemeralContainers[0].volumeMounts[1].subPath: Forbidden: cannot be set for an Ephemeral "
                        + "Container");
    }
}
