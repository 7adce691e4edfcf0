package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceStrategyTest {
    private final ServiceStrategy strategy = new ServiceStrategy();

    private ObjectNode defaulted(String spec) {
        ObjectNode svc = Json.parse("{metadata: {name: 's'}, spec: " + spec + "}");
        strategy.applyDefaults(svc);
        return svc;
    }

    private List<String> create(String spec) {
        return Json.printed(strategy.validateCreate(defaulted(spec)));
    }

    @Test
    void loadBalancerOnlyFieldsAreCheckedAsValidateServiceChecksThem() {
        assertThat(create("{allocateLoadBalancerNodePorts: true, loadBalancerClass: 'x/y', ports: [{port: 80}]}"))
                .containsExactly("spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is "
                        + "'LoadBalancer'", "spec.loadBalancerClass: Forbidden: may only be used when `type` is "
                        + "'LoadBalancer'");
        assertThat(create("{type: 'LoadBalancer', loadBalancerClass: 'bad class', loadBalancerSourceRanges: ['foo', "
                + "' 10.0.0.0/8 '], trafficDistribution: 'Foo', ports: [{port: 80}]}")).hasSize(3)
                .anySatisfy(m -> assertThat(m).startsWith("spec.loadBalancerClass: Invalid value: \"bad class\": name "
                        + "part must consist of alphanumeric characters"))
                .contains("spec.LoadBalancerSourceRanges[0]: Invalid value: \"foo\": must be a valid CIDR value, "
                        + "(e.g. 10.9.8.0/24 or 2001:db8::/64)", "spec.trafficDistribution: Unsupported value: \"Foo\": "
                        + "supported values: \"PreferClose\"");
        assertThat(create("{type: 'ExternalName', externalName: 'a.example.com', ipFamilyPolicy: 'SingleStack'}"))
                .containsExactly("spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services");
        assertThat(create("{ipFamilies: ['IPv4', 'IPv6'], ports: [{port: 80}]}")).contains(
                "spec.ipFamilies[1]: Invalid value: \"IPv6\": not configured on this cluster",
                "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' "
                        + "when multiple IP families are specified");
        assertThat(create("{externalIPs: ['0.0.0.0', '127.0.0.1', '224.0.0.1', '192.0.2.10'], ports: [{port: 80}]}"))
                .containsExactly("spec.externalIPs[0]: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)",
                        "spec.externalIPs[1]: Invalid value: \"127.0.0.1\": may not be in the loopback range "
                                + "(127.0.0.0/8, ::1/128)",
                        "spec.externalIPs[2]: Invalid value: \"224.0.0.1\": may not be in the link-local multicast "
                                + "range (224.0.0.0/24, ff02::/10)");
        // A headless Service without a selector may name any families (initIPFamilyFields returns before the checks).
        assertThat(create("{clusterIP: 'None', ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6']}"))
                .isEmpty();
        assertThat(create("{clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5', '10.0.0.6'], ports: [{port: 80}]}"))
                .containsExactly("spec.clusterIPs: Invalid value: []string{\"10.0.0.5\", \"10.0.0.6\"}: may specify no "
                        + "more than one IP for each IP family");
    }

    @Test
    void fillsKubernetesDefaults() {
        assertThat(defaulted("{selector: {app: 'web'}, ports: [{port: 80}, {name: 'b', port: 81, targetPort: 0,"
                + " nodePort: 0}]}").get("spec")).isEqualTo(Json.parse("{selector: {app: 'web'},"
                + " ports: [{port: 80, protocol: 'TCP', targetPort: 80}, {name: 'b', port: 81, targetPort: 81,"
                + " protocol: 'TCP'}], sessionAffinity: 'None', type: 'ClusterIP', internalTrafficPolicy: 'Cluster',"
                + " ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4']}"));
    }

    @Test
    void addressesAndTypeBoundSettingsAreCheckedAsKubernetesChecksThem() {
        assertThat(create("{type: 'NodePort', clusterIP: 'None', ports: [{port: 80}]}")).containsExactly(
                "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services");
        assertThat(create("{clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.6'], ports: [{port: 80}]}")).containsExactly(
                "spec.clusterIPs: Invalid value: []string{\"10.0.0.6\"}: first value must match `clusterIP`");
        assertThat(create("{clusterIPs: ['10.0.0.6'], ports: [{port: 80}]}")).containsExactly(
                "spec.clusterIPs: Invalid value: []string{\"10.0.0.6\"}: must be empty when `clusterIP` is not specified");
        assertThat(create("{clusterIP: '999.0.0.1', ipFamilies: ['IPv9', 'IPv9'], ipFamilyPolicy: 'Bogus',"
                + " ports: [{port: 80, appProtocol: 'bad proto!'}]}")).containsExactly(
                "spec.ports[0].appProtocol: Invalid value: \"bad proto!\": name part must consist of alphanumeric "
                        + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
                        + "'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                        + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                "spec.ipFamilies[0]: Unsupported value: \"IPv9\": supported values: \"IPv4\", \"IPv6\"",
                "spec.ipFamilies[1]: Unsupported value: \"IPv9\": supported values: \"IPv4\", \"IPv6\"",
                "spec.ipFamilies[1]: Duplicate value: \"IPv9\"",
                "spec.ipFamilyPolicy: Unsupported value: \"Bogus\": supported values: \"PreferDualStack\", "
                        + "\"RequireDualStack\", \"SingleStack\"",
                "spec.clusterIPs[0]: Invalid value: \"999.0.0.1\": must be a valid IP address, (e.g. 10.9.8.7 or "
                        + "2001:db8::ffff)");
        assertThat(create("{externalIPs: ['999.0.0.1'], healthCheckNodePort: 31000, loadBalancerSourceRanges:"
                + " ['10.0.0.0/8'], sessionAffinity: 'ClientIP', sessionAffinityConfig: {clientIP: {timeoutSeconds:"
                + " 999999}}, ports: [{port: 80}]}")).containsExactly(
                "spec.externalIPs[0]: Invalid value: \"999.0.0.1\": must be a valid IP address, (e.g. 10.9.8.7 or "
                        + "2001:db8::ffff)",
                "spec.healthCheckNodePort: Invalid value: 31000: may only be set when `type` is 'LoadBalancer' and "
                        + "`externalTrafficPolicy` is 'Local'",
                "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
                "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 999999: must be greater than 0 "
                        + "and less than 86400");
        assertThat(create("{type: 'ExternalName', externalName: 'not a dns name!'}")).hasSize(1).first().asString()
                .startsWith("spec.externalName: Invalid value: \"not a dns name!\": a lowercase RFC 1123 subdomain");
        assertThat(create("{type: 'ExternalName', externalName: 'db.example.com.'}")).isEmpty();
        assertThat(create("{type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31000,"
                + " clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5'], ports: [{port: 80}]}")).isEmpty();
    }

    @Test
    void keepsGivenValues() {
        ObjectNode spec = (ObjectNode) defaulted("{type: 'NodePort', sessionAffinity: 'ClientIP', clusterIP: '10.0.0.5',"
                + " ports: [{port: 53, protocol: 'UDP', targetPort: 'dns'}]}").get("spec");
        assertThat(spec.path("ports").get(0)).isEqualTo(Json.parse("{port: 53, protocol: 'UDP', targetPort: 'dns'}"));
        assertThat(spec.path("type").asText()).isEqualTo("NodePort");
        assertThat(spec.path("externalTrafficPolicy").asText()).isEqualTo("Cluster");
        assertThat(spec.path("sessionAffinityConfig").path("clientIP").path("timeoutSeconds").asInt()).isEqualTo(10800);
        assertThat(spec.path("clusterIP").asText()).isEqualTo("10.0.0.5");
    }

    @Test
    void validatesPorts() {
        assertThat(create("{ports: [{port: 80}]}")).isEmpty();
        assertThat(create("{}")).containsExactly("spec.ports: Required value");
        assertThat(create("{clusterIP: 'None'}")).isEmpty();
        assertThat(create("{ports: [{port: 0}]}")).containsExactly(
                "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive");
        assertThat(create("{ports: [{name: 'a', port: 80}, {port: 81}]}")).containsExactly(
                "spec.ports[1].name: Required value");
        assertThat(create("{ports: [{name: 'a', port: 80}, {name: 'a', port: 81}]}")).containsExactly(
                "spec.ports[1].name: Duplicate value: \"a\"");
        assertThat(create("{ports: [{port: 80, nodePort: 30000}]}")).containsExactly(
                "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
    }

    @Test
    void portsAndNodePortsAreUsedOncePerProtocolAndNodePortsAreInRange() {
        assertThat(create("{type: 'NodePort', ports: [{name: 'a', port: 80, nodePort: 99999}, {name: 'b', port: 80,"
                + " nodePort: 30001}, {name: 'c', port: 80, protocol: 'UDP', nodePort: 30001}, {name: 'd', port: 81,"
                + " nodePort: 30001}]}")).containsExactly(
                "spec.ports[0].nodePort: Invalid value: 99999: must be between 1 and 65535, inclusive",
                "spec.ports[3].nodePort: Duplicate value: 30001",
                "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), "
                        + "Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}");
    }

    @Test
    void trafficPoliciesAreClusterOrLocalAndExternalOnlyForServicesReachedFromOutside() {
        assertThat(create("{type: 'NodePort', externalTrafficPolicy: 'Sometimes', internalTrafficPolicy: 'Nearby',"
                + " ports: [{port: 80}]}")).containsExactly(
                "spec.externalTrafficPolicy: Unsupported value: \"Sometimes\": supported values: \"Cluster\", \"Local\"",
                "spec.internalTrafficPolicy: Unsupported value: \"Nearby\": supported values: \"Cluster\", \"Local\"");
        assertThat(create("{externalTrafficPolicy: 'Local', ports: [{port: 80}]}")).containsExactly(
                "spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services");
        assertThat(create("{externalTrafficPolicy: 'Local', externalIPs: ['192.0.2.9'], ports: [{port: 80}]}"))
                .isEmpty();
        // Reached from outside by its external IPs, it gets the default policy, as Kubernetes gives it.
        assertThat(defaulted("{externalIPs: ['192.0.2.9'], ports: [{port: 80}]}").path("spec")
                .path("externalTrafficPolicy").asText()).isEqualTo("Cluster");
        assertThat(create("{externalIPs: ['192.0.2.9'], ports: [{port: 80}]}")).isEmpty();
    }

    @Test
    void validatesTypeAffinityAndSelector() {
        assertThat(create("{type: 'Magic', ports: [{port: 80}]}")).containsExactly("spec.type: Unsupported value: "
                + "\"Magic\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"");
        assertThat(create("{type: 'ExternalName'}")).containsExactly("spec.externalName: Required value");
        assertThat(create("{sessionAffinity: 'Sticky', ports: [{port: 80}]}")).containsExactly(
                "spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\"");
        assertThat(create("{selector: {app: 'no way'}, ports: [{port: 80}]}")).singleElement().asString()
                .startsWith("spec.selector: Invalid value: \"no way\": a valid label must be");
    }

    @Test
    void theClusterIpMayNotChangeOnceSet() {
        ObjectNode old = defaulted("{clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{port: 80}]}");
        assertThat(strategy.validateUpdate(old, defaulted("{clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'],"
                + " ports: [{port: 81}]}"))).isEmpty();
        assertThat(strategy.validateUpdate(old, defaulted("{ports: [{port: 80}]}"))).isEmpty();
        assertThat(Json.printed(strategy.validateUpdate(old, defaulted("{clusterIP: '10.96.0.11',"
                + " clusterIPs: ['10.96.0.11'], ports: [{port: 80}]}")))).containsExactly(
                "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.11\"}: may not change once set");
        assertThat(Json.printed(strategy.validateUpdate(old, defaulted("{clusterIP: '10.96.0.12', ports: [{port: 80}]}"))))
                .containsExactly("spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.12\"}: may not change once set");
        // A patch of clusterIP alone leaves the old clusterIPs in the object: the new address is the one named.
        assertThat(Json.printed(strategy.validateUpdate(old, defaulted("{clusterIP: '10.96.0.13',"
                + " clusterIPs: ['10.96.0.10'], ports: [{port: 80}]}")))).containsExactly(
                "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.13\"}: may not change once set");
    }
}
