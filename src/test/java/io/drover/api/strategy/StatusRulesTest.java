package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Status writes as kube-apiserver's status strategies check them. */
class StatusRulesTest {

    @Test
    void deploymentCountersAreNotNegativeNorAboveTheTotal() {
        ObjectNode old = Json.parse("{status: {collisionCount: 2}}");
        ObjectNode bad = Json.parse("{status: {replicas: 2, updatedReplicas: 3, readyReplicas: 1, availableReplicas: 2,"
                + " observedGeneration: -1, collisionCount: 1}}");

        assertThat(Json.printed(new DeploymentStrategy().validateStatusUpdate(old, bad))).containsExactly(
                "status.observedGeneration: Invalid value: -1: must be greater than or equal to 0",
                "status.updatedReplicas: Invalid value: 3: cannot be greater than status.replicas",
                "status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas",
                "status.collisionCount: Invalid value: 1: cannot be decremented");
        assertThat(new DeploymentStrategy().validateStatusUpdate(old, Json.parse("{status: {replicas: 3,"
                + " updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1,"
                + " collisionCount: 2}}"))).isEmpty();
    }

    @Test
    void replicaSetCountersAreNotNegative() {
        assertThat(Json.printed(new ReplicaSetStrategy().validateStatusUpdate(Json.parse("{}"),
                Json.parse("{status: {replicas: -3}}")))).startsWith(
                        "status.replicas: Invalid value: -3: must be greater than or equal to 0",
                        // As in Go: every other counter (0) is then above the total.
                        "status.fullyLabeledReplicas: Invalid value: 0: cannot be greater than status.replicas");
        assertThat(Json.printed(new ReplicaSetStrategy().validateStatusUpdate(Json.parse("{}"),
                Json.parse("{status: {replicas: 1, readyReplicas: 9}}")))).containsExactly(
                        "status.readyReplicas: Invalid value: 9: cannot be greater than status.replicas");
    }

    @Test
    void budgetsAndAutoscalersCountNothingNegative() {
        assertThat(Json.printed(new PodDisruptionBudgetStrategy().validateStatusUpdate(Json.parse("{}"), Json.parse(
                "{status: {disruptionsAllowed: -1, conditions: [{type: 'DisruptionAllowed', status: 'Maybe'}]}}"))))
                .containsExactly("status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0",
                        "status.conditions[0].status: Unsupported value: \"Maybe\": supported values: \"False\", "
                                + "\"True\", \"Unknown\"");
        assertThat(Json.printed(new HorizontalPodAutoscalerStrategy(true).validateStatusUpdate(Json.parse("{}"),
                Json.parse("{status: {currentReplicas: -1, desiredReplicas: 0}}")))).containsExactly(
                        "status.currentReplicas: Invalid value: -1: must be greater than or equal to 0");
    }

    @Test
    void serviceIngressAddressesAreAddresses() {
        assertThat(Json.printed(new ServiceStrategy().validateStatusUpdate(Json.parse("{}"), Json.parse(
                "{status: {loadBalancer: {ingress: [{ip: 'not-an-ip'}, {hostname: '10.0.0.1'}, {ip: '192.0.2.7'}]}}}"))))
                .containsExactly("status.loadBalancer.ingress[0].ip: Invalid value: \"not-an-ip\": must be a valid IP "
                        + "address", "status.loadBalancer.ingress[1].hostname: Invalid value: \"10.0.0.1\": must be a "
                        + "DNS name, not an IP address");
    }

    @Test
    void nodeResourcesAreNotNegative() {
        assertThat(Json.printed(new SmallKinds.NodeStrategy().validateStatusUpdate(Json.parse("{}"), Json.parse(
                "{status: {capacity: {cpu: '-5', memory: '1Gi'}, allocatable: {cpu: '1'}}}")))).containsExactly(
                        "status.capacity.cpu: Invalid value: \"-5\": must be greater than or equal to 0");
    }
}
