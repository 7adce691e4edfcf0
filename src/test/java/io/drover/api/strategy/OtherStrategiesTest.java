package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class OtherStrategiesTest {

    @Test
    void namespacesGetTheKubernetesFinalizerPhaseAndNameLabel() {
        ObjectNode ns = Json.parse("{metadata: {name: 'team-a'}}");
        new NamespaceStrategy().applyDefaults(ns);
        new NamespaceStrategy().applyCreateDefaults(ns);
        assertThat(ns).isEqualTo(Json.parse("{metadata: {name: 'team-a', labels: {'kubernetes.io/metadata.name':"
                + " 'team-a'}}, spec: {finalizers: ['kubernetes']}, status: {phase: 'Active'}}"));
        ObjectNode given = Json.parse("{metadata: {name: 'b'}, spec: {finalizers: []}, status: {phase: 'Terminating'}}");
        new NamespaceStrategy().applyDefaults(given);
        assertThat(given.path("spec").path("finalizers").isEmpty()).isTrue();
        assertThat(given.path("status").path("phase").asText()).isEqualTo("Terminating");

        // A create adds it to the client's own finalizers, and is Active whatever status it sent.
        ObjectNode own = Json.parse("{metadata: {name: 'd'}, spec: {finalizers: ['example.com/x']},"
                + " status: {phase: 'Terminating'}}");
        new NamespaceStrategy().applyCreateDefaults(own);
        assertThat(own.path("spec")).isEqualTo(Json.parse("{finalizers: ['example.com/x', 'kubernetes']}"));
        assertThat(own.path("status")).isEqualTo(Json.parse("{phase: 'Active'}"));
        ObjectNode none = Json.parse("{metadata: {name: 'e'}, spec: {finalizers: []}}");
        new NamespaceStrategy().applyCreateDefaults(none);
        assertThat(none.path("spec")).isEqualTo(Json.parse("{finalizers: ['kubernetes']}"));

        // Once released by the namespace controller, an update must not bring the finalizer back.
        ObjectNode released = Json.parse("{metadata: {name: 'c'}, spec: {}, status: {phase: 'Terminating'}}");
        new NamespaceStrategy().applyDefaults(released);
        assertThat(released.path("spec").has("finalizers")).isFalse();
    }

    @Test
    void endpointsAndSlicesHoldAddressesAndPortsAsKubernetesChecksThem() {
        SmallKinds.EndpointsStrategy endpoints = new SmallKinds.EndpointsStrategy();
        ObjectNode bad = Json.parse("{subsets: [{addresses: [{ip: 'not-an-ip'}], ports: [{port: 0}, {name: 'b',"
                + " port: 80, protocol: 'FOO'}]}, {ports: [{port: 80}]}]}");
        endpoints.applyDefaults(bad);
        assertThat(Json.printed(endpoints.validateCreate(bad))).containsExactly(
                "subsets[0].addresses[0].ip: Invalid value: \"not-an-ip\": must be a valid IP address, (e.g. 10.9.8.7 "
                        + "or 2001:db8::ffff)",
                "subsets[0].addresses[0].ip: Invalid value: \"not-an-ip\": must be a valid IP address",
                "subsets[0].ports[0].name: Required value",
                "subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                "subsets[0].ports[1].protocol: Unsupported value: \"FOO\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                "subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`");
        // Loopback is allowed, unlike in Kubernetes: drover's pods and API server may listen there.
        assertThat(endpoints.validateCreate(Json.parse("{subsets: [{addresses: [{ip: '127.0.0.1'}], ports: [{port: 80,"
                + " protocol: 'TCP'}]}]}"))).isEmpty();

        // What only the node should reach is refused, as ValidateEndpointIP refuses it.
        assertThat(Json.printed(endpoints.validateCreate(Json.parse("{subsets: [{addresses: [{ip: '169.254.169.254'},"
                + " {ip: '0.0.0.0'}, {ip: 'fe80::1'}, {ip: '224.0.0.5'}], ports: [{port: 80, protocol: 'TCP'}]}]}"))))
                .containsExactly(
                        "subsets[0].addresses[0].ip: Invalid value: \"169.254.169.254\": may not be in the link-local "
                                + "range (169.254.0.0/16, fe80::/10)",
                        "subsets[0].addresses[1].ip: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)",
                        "subsets[0].addresses[2].ip: Invalid value: \"fe80::1\": may not be in the link-local "
                                + "range (169.254.0.0/16, fe80::/10)",
                        "subsets[0].addresses[3].ip: Invalid value: \"224.0.0.5\": may not be in the link-local "
                                + "multicast range (224.0.0.0/24, ff02::/10)");
        assertThat(Json.printed(new SmallKinds.EndpointSliceStrategy().validateCreate(Json.parse("{addressType: 'IPv4',"
                + " endpoints: [{addresses: ['169.254.169.254']}, {addresses: ['127.0.0.1']}]}")))).containsExactly(
                        "endpoints[0].addresses[0]: Invalid value: \"169.254.169.254\": may not be in the link-local "
                                + "range (169.254.0.0/16, fe80::/10)");

        SmallKinds.EndpointSliceStrategy slices = new SmallKinds.EndpointSliceStrategy();
        ObjectNode slice = Json.parse("{addressType: 'IPv4', endpoints: [{addresses: ['not-an-ip']}, {addresses: []}],"
                + " ports: [{name: 'a', port: 99999, protocol: 'FOO'}, {name: 'a', port: 80}]}");
        slices.applyDefaults(slice);
        assertThat(Json.printed(slices.validateCreate(slice))).containsExactly(
                "endpoints[0].addresses[0]: Invalid value: \"not-an-ip\": must be a valid IPv4 address",
                "endpoints[0].addresses[0]: Invalid value: \"not-an-ip\": must be a valid IP address",
                "endpoints[1].addresses: Required value: must contain at least 1 address",
                "ports[0].protocol: Unsupported value: \"FOO\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                "ports[1].name: Duplicate value: \"a\"");
        assertThat(Json.printed(slices.validateCreate(Json.parse("{addressType: 'FQDN', endpoints: [{addresses:"
                + " ['db.example.com.', 'localhost', 'Bad_Name.example']}]}")))).containsExactly(
                "endpoints[0].addresses[1]: Invalid value: \"localhost\": should be a domain with at least two segments "
                        + "separated by dots",
                "endpoints[0].addresses[2]: Invalid value: \"Bad_Name.example\": a lowercase RFC 1123 subdomain must "
                        + "consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
                        + "alphanumeric character (e.g. 'example.com', regex used for validation is "
                        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        assertThat(Json.printed(slices.validateCreate(Json.parse("{addressType: 'Bogus'}")))).containsExactly(
                "addressType: Unsupported value: \"Bogus\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"");
    }

    @Test
    void endpointsAddressNodeNamesAndPortAppProtocolsAreCheckedAndASliceChecksEveryAddressAsAnEndpointIp() {
        SmallKinds.EndpointsStrategy endpoints = new SmallKinds.EndpointsStrategy();
        ObjectNode bad = Json.parse("{subsets: [{addresses: [{ip: '10.0.0.1', nodeName: 'Bad_N'}],"
                + " notReadyAddresses: [{ip: '10.0.0.2', nodeName: 'node-a'}],"
                + " ports: [{port: 80, protocol: 'TCP', appProtocol: 'x y'}]}]}");
        assertThat(Json.printed(endpoints.validateCreate(bad))).containsExactly(
                "subsets[0].addresses[0].nodeName: Invalid value: \"Bad_N\": a lowercase RFC 1123 subdomain must"
                        + " consist of lower case alphanumeric characters, '-' or '.', and must start and end with an"
                        + " alphanumeric character (e.g. 'example.com', regex used for validation is"
                        + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                "subsets[0].ports[0].appProtocol: Invalid value: \"x y\": name part must consist of alphanumeric"
                        + " characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g."
                        + " 'MyName',  or 'my.name',  or '123-abc', regex used for validation is"
                        + " '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
        assertThat(endpoints.validateCreate(Json.parse("{subsets: [{addresses: [{ip: '10.0.0.1', nodeName: 'node-a'}],"
                + " ports: [{port: 80, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c'}]}]}"))).isEmpty();

        // validateEndpoints runs ValidateEndpointIP after the address type's check whatever that said.
        SmallKinds.EndpointSliceStrategy slices = new SmallKinds.EndpointSliceStrategy();
        assertThat(Json.printed(slices.validateCreate(Json.parse("{addressType: 'IPv4', endpoints: [{addresses:"
                + " ['fe80::1', '::1']}]}")))).containsExactly(
                        "endpoints[0].addresses[0]: Invalid value: \"fe80::1\": must be a valid IPv4 address",
                        "endpoints[0].addresses[0]: Invalid value: \"fe80::1\": may not be in the link-local range"
                                + " (169.254.0.0/16, fe80::/10)",
                        "endpoints[0].addresses[1]: Invalid value: \"::1\": must be a valid IPv4 address");
        assertThat(Json.printed(slices.validateCreate(Json.parse("{addressType: 'IPv6', endpoints: [{addresses:"
                + " ['nope', '169.254.1.1']}]}")))).containsExactly(
                        "endpoints[0].addresses[0]: Invalid value: \"nope\": must be a valid IPv6 address",
                        "endpoints[0].addresses[0]: Invalid value: \"nope\": must be a valid IP address",
                        "endpoints[0].addresses[1]: Invalid value: \"169.254.1.1\": must be a valid IPv6 address",
                        "endpoints[0].addresses[1]: Invalid value: \"169.254.1.1\": may not be in the link-local range"
                                + " (169.254.0.0/16, fe80::/10)");
    }

    @Test
    void aSliceKeepsItsAddressTypeAndItsNodeNamesHintsHostnamesAndAppProtocolsAreChecked() {
        SmallKinds.EndpointSliceStrategy slices = new SmallKinds.EndpointSliceStrategy();
        ObjectNode v4 = Json.parse("{addressType: 'IPv4', endpoints: [{addresses: ['10.0.0.1']}]}");
        assertThat(Json.printed(slices.validateUpdate(v4, Json.parse("{addressType: 'FQDN', endpoints: [{addresses:"
                + " ['a.b']}]}")))).containsExactly("addressType: Invalid value: \"FQDN\": field is immutable");
        assertThat(slices.validateUpdate(v4, v4)).isEmpty();

        ObjectNode slice = Json.parse("{addressType: 'IPv4', endpoints: [{addresses: ['10.0.0.1'], nodeName: 'bad node',"
                + " hostname: '', hints: {forZones: [{name: 'a'}, {name: 'a'}, {name: 'bad value!'}]}}],"
                + " ports: [{name: 'http', appProtocol: 'bad proto!'}]}");
        slices.applyDefaults(slice);
        assertThat(Json.printed(slices.validateCreate(slice))).containsExactly(
                "endpoints[0].nodeName: Invalid value: \"bad node\": a lowercase RFC 1123 subdomain must consist of lower"
                        + " case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
                        + " (e.g. 'example.com', regex used for validation is"
                        + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                "endpoints[0].hostname: Invalid value: \"\": a lowercase RFC 1123 label must consist of lower case"
                        + " alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g."
                        + " 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                "endpoints[0].hints.forZones[1].name: Duplicate value: \"a\"",
                "endpoints[0].hints.forZones[2].name: Invalid value: \"bad value!\": a valid label must be an empty"
                        + " string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
                        + " alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation"
                        + " is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
                "ports[0].appProtocol: Invalid value: \"bad proto!\": name part must consist of alphanumeric characters,"
                        + " '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or"
                        + " 'my.name',  or '123-abc', regex used for validation is"
                        + " '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");

        String nineZones = "{forZones: [{name: 'a'}, {name: 'b'}, {name: 'c'}, {name: 'd'}, {name: 'e'}, {name: 'f'},"
                + " {name: 'g'}, {name: 'h'}, {name: 'i'}]}";
        assertThat(Json.printed(slices.validateCreate(Json.parse("{addressType: 'IPv4', endpoints: [{addresses:"
                + " ['10.0.0.1'], hints: " + nineZones + "}]}"))))
                .containsExactly("endpoints[0].hints.forZones: Too many: 9: must have at most 8 items");
    }

    @Test
    void aV1WriteDropsDeprecatedTopologyKeepingOnlyANodeNameTheStoredSliceNamed() {
        SmallKinds.EndpointSliceStrategy slices = new SmallKinds.EndpointSliceStrategy();
        ObjectNode created = Json.parse("{addressType: 'IPv4', endpoints: [{addresses: ['10.0.0.1'],"
                + " deprecatedTopology: {'kubernetes.io/hostname': 'node-a'}}]}");
        slices.applyCreateDefaults(created);
        assertThat(created.at("/endpoints/0").has("deprecatedTopology")).isFalse();

        // Stored before the rule (or through v1beta1): kept while the endpoints stay as they are.
        ObjectNode stored = Json.parse("{addressType: 'IPv4', endpoints: [{addresses: ['10.0.0.1'],"
                + " deprecatedTopology: {'kubernetes.io/hostname': 'node-a'}}]}");
        ObjectNode relabelled = stored.deepCopy();
        slices.keepOnUpdate(stored, relabelled);
        assertThat(relabelled).isEqualTo(stored);

        ObjectNode changed = Json.parse("{addressType: 'IPv4', endpoints: [{addresses: ['10.0.0.2'],"
                + " deprecatedTopology: {'kubernetes.io/hostname': 'node-a'}}, {addresses: ['10.0.0.3'],"
                + " deprecatedTopology: {'kubernetes.io/hostname': 'node-b'}}]}");
        slices.keepOnUpdate(stored, changed);
        assertThat(changed).isEqualTo(Json.parse("{addressType: 'IPv4', endpoints: [{addresses: ['10.0.0.2'],"
                + " nodeName: 'node-a'}, {addresses: ['10.0.0.3']}]}"));
        assertThat(slices.metadataInGeneration()).containsExactly("labels");
    }

    @Test
    void aSliceHoldsAtMostAThousandEndpointsOfAHundredAddressesAndTwentyThousandPorts() {
        SmallKinds.EndpointSliceStrategy slices = new SmallKinds.EndpointSliceStrategy();
        ObjectNode tooManyEndpoints = Json.parse("{addressType: 'IPv4'}");
        for (int i = 0; i < 1001; i++) {
            tooManyEndpoints.withArray("endpoints").addObject().putArray("addresses").add("10.1." + (i / 250) + "."
                    + (i % 250 + 1));
        }
        assertThat(Json.printed(slices.validateCreate(tooManyEndpoints)))
                .containsExactly("endpoints: Too many: 1001: must have at most 1000 items");

        ObjectNode tooManyAddresses = Json.parse("{addressType: 'IPv4', endpoints: [{addresses: []}]}");
        for (int i = 0; i < 101; i++) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) tooManyAddresses.at("/endpoints/0/addresses"))
                    .add("10.2.0." + (i + 1));
        }
        assertThat(Json.printed(slices.validateCreate(tooManyAddresses)))
                .containsExactly("endpoints[0].addresses: Too many: 101: must have at most 100 items");

        ObjectNode tooManyPorts = Json.parse("{addressType: 'IPv4'}");
        for (int i = 0; i < 20_001; i++) {
            tooManyPorts.withArray("ports").addObject().put("name", "p" + i).put("port", 80).put("protocol", "TCP");
        }
        assertThat(Json.printed(slices.validateCreate(tooManyPorts)))
                .containsExactly("ports: Too many: 20001: must have at most 20000 items");
    }

    @Test
    void aNamespacesPhaseSaysWhetherItIsBeingDeleted() {
        NamespaceStrategy namespaces = new NamespaceStrategy();
        ObjectNode old = Json.parse("{metadata: {name: 'a'}, status: {phase: 'Active'}}");
        assertThat(namespaces.validateStatusUpdate(old, old)).isEmpty();
        assertThat(Json.printed(namespaces.validateStatusUpdate(old,
                Json.parse("{metadata: {name: 'a'}, status: {phase: 'Bogus'}}")))).containsExactly(
                        "status.Phase: Invalid value: \"Bogus\": may only be 'Active' if `deletionTimestamp` is empty");
        assertThat(Json.printed(namespaces.validateStatusUpdate(old, Json.parse("{metadata: {name: 'a',"
                + " deletionTimestamp: '2026-01-01T00:00:00Z'}, status: {phase: 'Active'}}")))).containsExactly(
                        "status.Phase: Invalid value: \"Active\": may only be 'Terminating' if `deletionTimestamp` is "
                                + "not empty");
    }

    @Test
    void aNamespacesFinalizersAreKubernetesOwnOrQualified() {
        assertThat(Json.printed(new NamespaceStrategy().validateCreate(Json.parse(
                "{metadata: {name: 'n'}, spec: {finalizers: ['kubernetes', 'example.com/x', 'mine']}}"))))
                .containsExactly("spec.finalizers: Invalid value: \"mine\": name is neither a standard finalizer name "
                        + "nor is it fully qualified");
    }

    @Test
    void quotasLimitKnownResourcesWithinKnownScopes() {
        assertThat(Json.printed(new SmallKinds.ResourceQuotaStrategy().validateCreate(Json.parse(
                "{spec: {hard: {'bad name!': '1', foo: '1', cpu: '-1', pods: '1.5', 'count/deployments.apps': '2',"
                        + " 'requests.nvidia.com/gpu': '1'}, scopes: ['Bogus', 'BestEffort', 'NotBestEffort']}}"))))
                .containsExactly(
                        "spec.hard[bad name!]: Invalid value: \"bad name!\": name part must consist of alphanumeric "
                                + "characters, '-', '_' or '.', and must start and end with an alphanumeric character "
                                + "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                                + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                        "spec.hard[foo]: Invalid value: \"foo\": must be a standard resource type or fully qualified",
                        "spec.hard[foo]: Invalid value: \"foo\": must be a standard resource for quota",
                        "spec.hard[cpu]: Invalid value: \"-1\": must be greater than or equal to 0",
                        "spec.hard[pods]: Invalid value: \"1.5\": must be an integer",
                        "spec.scopes: Invalid value: []core.ResourceQuotaScope{\"Bogus\", \"BestEffort\", "
                                + "\"NotBestEffort\"}: unsupported scope",
                        // BestEffort limits pods only: not the cpu.
                        "spec.scopes: Invalid value: []core.ResourceQuotaScope{\"Bogus\", \"BestEffort\", "
                                + "\"NotBestEffort\"}: unsupported scope applied to resource",
                        "spec.scopes: Invalid value: []core.ResourceQuotaScope{\"Bogus\", \"BestEffort\", "
                                + "\"NotBestEffort\"}: conflicting scopes");
    }

    @Test
    void aQuotaKeepsItsScopesAndItsStatusHoldsQuotaResourcesWithValidAmounts() {
        SmallKinds.ResourceQuotaStrategy quotas = new SmallKinds.ResourceQuotaStrategy();
        ObjectNode bestEffort = Json.parse("{spec: {hard: {pods: '1'}, scopes: ['BestEffort']}}");
        assertThat(Json.printed(quotas.validateUpdate(bestEffort, Json.parse("{spec: {hard: {pods: '1'},"
                + " scopes: ['NotBestEffort']}}")))).containsExactly(
                        "spec.scopes: Invalid value: []core.ResourceQuotaScope{\"NotBestEffort\"}: field is immutable");
        assertThat(Json.printed(quotas.validateUpdate(bestEffort, Json.parse("{spec: {hard: {pods: '1'}}}"))))
                .containsExactly("spec.scopes: Invalid value: []core.ResourceQuotaScope(nil): field is immutable");
        // A set: order and repetition do not matter.
        ObjectNode two = Json.parse("{spec: {hard: {pods: '1'}, scopes: ['NotTerminating', 'BestEffort']}}");
        assertThat(quotas.validateUpdate(two, Json.parse("{spec: {hard: {pods: '2'}, scopes: ['BestEffort',"
                + " 'NotTerminating', 'BestEffort']}}"))).isEmpty();

        assertThat(Json.printed(quotas.validateStatusUpdate(bestEffort, Json.parse("{spec: {hard: {pods: '1'}},"
                + " status: {hard: {pods: '-3'}, used: {pods: '1.5', bogus: '1'}}}")))).containsExactly(
                        "status.hard[pods]: Invalid value: \"-3\": must be greater than or equal to 0",
                        "status.used[pods]: Invalid value: \"1.5\": must be an integer",
                        "status.used[bogus]: Invalid value: \"bogus\": must be a standard resource type or fully qualified",
                        "status.used[bogus]: Invalid value: \"bogus\": must be a standard resource for quota");
        assertThat(quotas.validateStatusUpdate(bestEffort, Json.parse("{spec: {hard: {pods: '1'}},"
                + " status: {hard: {pods: '1'}, used: {pods: '0'}}}"))).isEmpty();
    }

    @Test
    void aQuotaScopeSelectorIsCheckedAsItsScopesAre() {
        assertThat(Json.printed(ResourceQuotaValidation.resourceQuota(Json.parse("{spec: {scopeSelector: {"
                + "matchExpressions: [{scopeName: 'PriorityClass', operator: 'Exists', values: ['a']},"
                + " {scopeName: 'Bogus', operator: 'In'}, {scopeName: 'BestEffort', operator: 'In', values: ['x']},"
                + " {scopeName: 'NotBestEffort', operator: 'Maybe'}]}}}")))).containsExactly(
                "spec.scopeSelector.matchExpressions.values: Invalid value: []string{\"a\"}: must be no value when "
                        + "`operator` is 'Exist' or 'DoesNotExist' for scope selector",
                "spec.scopeSelector.matchExpressions.scopeName: Invalid value: \"Bogus\": unsupported scope",
                "spec.scopeSelector.matchExpressions.values: Required value: must be at least one value when "
                        + "`operator` is 'In' or 'NotIn' for scope selector",
                "spec.scopeSelector.matchExpressions.operator: Invalid value: \"In\": must be 'Exist' when scope is "
                        + "any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, "
                        + "ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or "
                        + "ResourceQuotaScopeCrossNamespacePodAffinity",
                "spec.scopeSelector.matchExpressions.operator: Invalid value: \"Maybe\": must be 'Exist' when scope is "
                        + "any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, "
                        + "ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or "
                        + "ResourceQuotaScopeCrossNamespacePodAffinity",
                "spec.scopeSelector.matchExpressions.operator: Invalid value: \"Maybe\": not a valid selector operator",
                "spec.scopeSelector.matchExpressions: Invalid value: []core.ResourceQuotaScope(nil): conflicting scopes");
        assertThat(Json.printed(ResourceQuotaValidation.resourceQuota(Json.parse("{spec: {hard: {cpu: '1'},"
                + " scopeSelector: {matchExpressions: [{scopeName: 'BestEffort', operator: 'Exists'}]}}}"))))
                .containsExactly("spec.scopeSelector.matchExpressions: Invalid value: core.ScopedResourceSelector{"
                        + "MatchExpressions:[]core.ScopedResourceSelectorRequirement{core.ScopedResourceSelectorRequirement{"
                        + "ScopeName:\"BestEffort\", Operator:\"Exists\", Values:[]string(nil)}}}: unsupported scope "
                        + "applied to resource");
        assertThat(ResourceQuotaValidation.resourceQuota(Json.parse("{spec: {hard: {pods: '10'}, scopeSelector: {"
                + "matchExpressions: [{scopeName: 'PriorityClass', operator: 'In', values: ['high']}]}}}"))).isEmpty();
    }

    @Test
    void aQuotaScopeLimitsOnlyThePodResourcesItApplies() {
        SmallKinds.ResourceQuotaStrategy strategy = new SmallKinds.ResourceQuotaStrategy();
        assertThat(Json.printed(strategy.validateCreate(Json.parse(
                "{spec: {hard: {services: '1', 'requests.memory': '1Gi', pods: '2'}, scopes: ['Terminating']}}"))))
                .containsExactly("spec.scopes: Invalid value: []core.ResourceQuotaScope{\"Terminating\"}: unsupported "
                        + "scope applied to resource");
        assertThat(Json.printed(strategy.validateCreate(Json.parse(
                "{spec: {hard: {'limits.cpu': '1', 'requests.memory': '1Gi', pods: '2', 'example.com/x': '1'},"
                        + " scopes: ['NotBestEffort', 'PriorityClass']}}")))).isEmpty();
    }

    @Test
    void aLimitRangesBoundsAreInOrder() {
        SmallKinds.LimitRangeStrategy strategy = new SmallKinds.LimitRangeStrategy();
        ObjectNode range = Json.parse("{spec: {limits: [{type: 'Container', min: {cpu: '2'}, max: {cpu: '1'}},"
                + " {type: 'Bogus'}, {type: 'Pod', default: {cpu: '1'}, max: {memory: '1Gi'}, maxLimitRequestRatio:"
                + " {memory: '0.5'}}]}}");
        strategy.applyDefaults(range);
        assertThat(Json.printed(strategy.validateCreate(range))).containsExactly(
                "spec.limits[0].min[cpu]: Invalid value: \"2\": min value 2 is greater than max value 1",
                "spec.limits[0].defaultRequest[cpu]: Invalid value: \"1\": min value 2 is greater than default request "
                        + "value 1",
                "spec.limits[0].default[cpu]: Invalid value: \"2\": min value 2 is greater than default value 1",
                "spec.limits[1].type: Invalid value: \"Bogus\": must be a standard limit type or fully qualified",
                "spec.limits[2].default: Forbidden: may not be specified when `type` is 'Pod'",
                "spec.limits[2].maxLimitRequestRatio[memory]: Invalid value: \"0.5\": ratio 0.5 is less than 1");
    }

    @Test
    void v2AutoscalerMetricsAndBehaviorAreKubernetes() {
        HorizontalPodAutoscalerStrategy v2 = new HorizontalPodAutoscalerStrategy(true);
        ObjectNode hpa = Json.parse("{spec: {scaleTargetRef: {kind: 'Bad/Kind', name: 'web'}, maxReplicas: 5, metrics: ["
                + "{type: 'Resource', resource: {name: 'cpu', target: {type: 'Utilization', averageUtilization: 0}}},"
                + "{type: 'Resource', resource: {name: 'memory', target: {type: 'AverageValue'}}},"
                + "{type: 'Bogus'}, {type: 'Pods'}],"
                + " behavior: {scaleUp: {stabilizationWindowSeconds: -1, selectPolicy: 'Bogus', policies: [{type: 'Pods',"
                + " value: 0, periodSeconds: 0}]}}}}");
        v2.applyDefaults(hpa);
        assertThat(Json.printed(v2.validateCreate(hpa))).containsExactly(
                "spec.scaleTargetRef.kind: Invalid value: \"Bad/Kind\": may not contain '/'",
                "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0",
                "spec.metrics[1].resource.target.averageUtilization: Required value: must set either a target raw value "
                        + "or a target utilization",
                "spec.metrics[2].type: Unsupported value: \"Bogus\": supported values: \"ContainerResource\", "
                        + "\"External\", \"Object\", \"Pods\", \"Resource\"",
                "spec.metrics[3].pods: Required value: must populate information for the given metric source",
                "spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: -1: must be greater than or equal to zero",
                "spec.behavior.scaleUp.selectPolicy: Unsupported value: \"Bogus\": supported values: \"Disabled\", "
                        + "\"Max\", \"Min\"",
                "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero",
                "spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 0: must be greater than zero");
    }

    @Test
    void aContainerResourceMetricNamesAContainerAndWhatContainersRequest() {
        HorizontalPodAutoscalerStrategy v2 = new HorizontalPodAutoscalerStrategy(true);
        ObjectNode hpa = Json.parse("{spec: {scaleTargetRef: {kind: 'Deployment', name: 'web'}, maxReplicas: 2, metrics: ["
                + "{type: 'ContainerResource', containerResource: {name: 'foo', container: 'Bad_C', target: {type:"
                + " 'Utilization', averageUtilization: 5}}},"
                + "{type: 'ContainerResource', containerResource: {name: 'memory', container: 'app', target: {type:"
                + " 'AverageValue', averageValue: '1Gi'}}}]}}");
        v2.applyDefaults(hpa);
        assertThat(Json.printed(v2.validateCreate(hpa))).containsExactly(
                "spec.metrics[0].containerResource.name: Invalid value: \"foo\": must be a standard resource type or"
                        + " fully qualified",
                "spec.metrics[0].containerResource.name: Invalid value: \"foo\": must be a standard resource for"
                        + " containers",
                "spec.metrics[0].containerResource.container: Invalid value: \"Bad_C\": a lowercase RFC 1123 label must"
                        + " consist of lower case alphanumeric characters or '-', and must start and end with an"
                        + " alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is"
                        + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    }

    @Test
    void aGivenBehaviorIsCompletedWithKubernetesDefaults() {
        HorizontalPodAutoscalerStrategy v2 = new HorizontalPodAutoscalerStrategy(true);
        ObjectNode hpa = Json.parse("{spec: {scaleTargetRef: {kind: 'Deployment', name: 'web'}, maxReplicas: 5,"
                + " behavior: {scaleDown: {stabilizationWindowSeconds: 300}}}}");
        v2.applyDefaults(hpa);
        assertThat(hpa.path("spec").path("behavior")).isEqualTo(Json.parse("{scaleDown: {stabilizationWindowSeconds: 300,"
                + " selectPolicy: 'Max', policies: [{type: 'Percent', value: 100, periodSeconds: 15}]},"
                + " scaleUp: {stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{type: 'Pods', value: 4,"
                + " periodSeconds: 15}, {type: 'Percent', value: 100, periodSeconds: 15}]}}"));
        assertThat(v2.validateCreate(hpa)).isEmpty();
    }

    @Test
    void aLimitRangesRatioFitsBetweenMinAndMaxAndAClaimLimitBoundsStorage() {
        assertThat(Json.printed(ResourceQuotaValidation.limitRange(Json.parse("{spec: {limits: [{type: 'Container',"
                + " min: {memory: '1'}, max: {memory: '4'}, maxLimitRequestRatio: {memory: '5'}}]}}"))))
                .containsExactly("spec.limits[0].maxLimitRequestRatio[memory]: Invalid value: \"5\": "
                        + "ratio 5 is greater than max/min = 4.000000");
        assertThat(ResourceQuotaValidation.limitRange(Json.parse("{spec: {limits: [{type: 'Container',"
                + " min: {cpu: '250m'}, max: {cpu: '1'}, maxLimitRequestRatio: {cpu: '4'}}]}}"))).isEmpty();
        // 0/0 is no bound at all (Go's NaN comparison is false), as 1/0 is none.
        assertThat(ResourceQuotaValidation.limitRange(Json.parse("{spec: {limits: [{type: 'Container',"
                + " min: {cpu: '0'}, max: {cpu: '0'}, maxLimitRequestRatio: {cpu: '4'}}]}}"))).isEmpty();
        assertThat(Json.printed(ResourceQuotaValidation.limitRange(Json.parse(
                "{spec: {limits: [{type: 'PersistentVolumeClaim'}, {type: 'PersistentVolumeClaim', max: {storage: '1Gi'}}]}}"))))
                .containsExactly("spec.limits[0].limits: Required value: either minimum or maximum storage value is "
                        + "required, but neither was provided", "spec.limits[1].type: Duplicate value: \"PersistentVolumeClaim\"");
    }

    @Test
    void aLimitRangesDefaultsAreCheckedWithoutAMinOrMax() {
        SmallKinds.LimitRangeStrategy strategy = new SmallKinds.LimitRangeStrategy();
        ObjectNode range = Json.parse("{spec: {limits: [{type: 'Container', default: {cpu: '1', gpu: '1'},"
                + " defaultRequest: {cpu: '2'}}]}}");
        strategy.applyDefaults(range);
        assertThat(Json.printed(strategy.validateCreate(range))).containsExactlyInAnyOrder(
                "spec.limits[0].default[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully qualified",
                "spec.limits[0].default[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
                // Defaulted from the default limit, as Kubernetes defaults it.
                "spec.limits[0].defaultRequest[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully "
                        + "qualified",
                "spec.limits[0].defaultRequest[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
                "spec.limits[0].defaultRequest[cpu]: Invalid value: \"2\": default request value 2 is greater than "
                        + "default limit value 1");
    }

    @Test
    void nodeTaintsAreCheckedAsValidateNodeChecksThemUnderMetadata() {
        SmallKinds.NodeStrategy nodes = new SmallKinds.NodeStrategy();
        assertThat(nodes.validateCreate(Json.parse("{spec: {taints: [{key: 'gpu', effect: 'NoSchedule'},"
                + " {key: 'gpu', value: 'x', effect: 'NoExecute'}]}}"))).isEmpty();
        assertThat(Json.printed(nodes.validateCreate(Json.parse("{spec: {taints: [{key: 'a', effect: 'Bogus'},"
                + " {key: 'b'}, {key: 'c', effect: 'NoSchedule'}, {key: 'c', value: 'v', effect: 'NoSchedule'}]}}"))))
                .containsExactly("metadata.taints[0].effect: Unsupported value: \"Bogus\": supported values: "
                                + "\"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"",
                        "metadata.taints[1].effect: Required value",
                        "metadata.taints[3]: Duplicate value: core.Taint{Key:\"c\", Value:\"v\", Effect:\"NoSchedule\","
                                + " TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair");
        assertThat(Json.printed(nodes.validateCreate(Json.parse("{spec: {taints: [{key: 'bad key', value: 'no way!',"
                + " effect: 'NoExecute'}]}}")))).satisfiesExactly(
                        key -> assertThat(key).startsWith("metadata.taints[0].key: Invalid value: \"bad key\": name "
                                + "part must consist of alphanumeric characters"),
                        value -> assertThat(value).startsWith("metadata.taints[0].value: Invalid value: \"no way!\": "
                                + "a valid label must be an empty string"));
    }

    @Test
    void runtimeClassesHaveADnsLabelHandlerAndNonNegativeOverheadThatNeverChanges() {
        RuntimeClassStrategy classes = new RuntimeClassStrategy();
        assertThat(classes.validateCreate(Json.parse("{handler: 'runc', overhead: {podFixed: {cpu: '250m',"
                + " memory: '64Mi'}}, scheduling: {nodeSelector: {os: 'linux'}, tolerations: [{operator: 'Exists'}]}}")))
                .isEmpty();
        assertThat(Json.printed(classes.validateCreate(Json.parse("{handler: 'Bad Handler!', overhead: {podFixed:"
                + " {cpu: '-1'}}, scheduling: {tolerations: [{operator: 'Equal'}]}}")))).satisfiesExactly(
                        handler -> assertThat(handler).startsWith("handler: Invalid value: \"Bad Handler!\": a "
                                + "lowercase RFC 1123 label must consist of"),
                        cpu -> assertThat(cpu).isEqualTo("overhead.limits[cpu]: Invalid value: \"-1\": must be "
                                + "greater than or equal to 0"),
                        toleration -> assertThat(toleration).startsWith("scheduling.tolerations[0].operator: Invalid "
                                + "value: \"Equal\": operator must be Exists when `key` is empty"));
        assertThat(Json.printed(classes.validateUpdate(Json.parse("{handler: 'a'}"),
                Json.parse("{handler: 'b', overhead: {podFixed: {cpu: '-1'}}}"))))
                .containsExactly("handler: Invalid value: \"b\": field is immutable");
    }

    @Test
    void leasesDropCoordinatedLeaderElectionFields() {
        var leases = new SmallKinds.LeaseStrategy();
        ObjectNode created = Json.parse("{spec: {holderIdentity: 'a', strategy: 'Bogus', preferredHolder: 'x'}}");
        leases.applyCreateDefaults(created);
        assertThat(created).isEqualTo(Json.parse("{spec: {holderIdentity: 'a'}}"));
        ObjectNode updated = Json.parse("{spec: {holderIdentity: 'b', strategy: 'Bogus', preferredHolder: 'x'}}");
        leases.keepOnUpdate(Json.parse("{spec: {holderIdentity: 'a', preferredHolder: 'y'}}"), updated);
        assertThat(updated).isEqualTo(Json.parse("{spec: {holderIdentity: 'b', preferredHolder: 'x'}}"));
    }

    @Test
    void leasesLastAPositiveTime() {
        assertThat(Json.printed(new SmallKinds.LeaseStrategy().validateCreate(Json.parse(
                "{spec: {leaseDurationSeconds: 0, leaseTransitions: -1}}")))).containsExactly(
                "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
                "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0");
    }

    @Test
    void v2AutoscalersGetMinReplicasAndACpuTarget() {
        ObjectNode hpa = Json.parse("{spec: {scaleTargetRef: {kind: 'Deployment', name: 'web'}, maxReplicas: 5}}");
        HorizontalPodAutoscalerStrategy v2 = new HorizontalPodAutoscalerStrategy(true);
        v2.applyDefaults(hpa);
        assertThat(hpa.get("spec")).isEqualTo(Json.parse("{scaleTargetRef: {kind: 'Deployment', name: 'web'},"
                + " maxReplicas: 5, minReplicas: 1, metrics: [{type: 'Resource', resource: {name: 'cpu',"
                + " target: {type: 'Utilization', averageUtilization: 80}}}]}"));
        assertThat(v2.validateCreate(hpa)).isEmpty();
        ObjectNode memory = Json.parse("{spec: {minReplicas: 2, metrics: [{type: 'Resource', resource: {name: 'memory'}}]}}");
        v2.applyDefaults(memory);
        assertThat(memory.path("spec").path("minReplicas").asInt()).isEqualTo(2);
        assertThat(memory.path("spec").path("metrics")).hasSize(1);
    }

    @Test
    void v1AutoscalersKeepTheirCpuPercentage() {
        ObjectNode hpa = Json.parse("{spec: {scaleTargetRef: {kind: 'Deployment', name: 'web'}, maxReplicas: 5,"
                + " targetCPUUtilizationPercentage: 50}}");
        new HorizontalPodAutoscalerStrategy(false).applyDefaults(hpa);
        assertThat(hpa.path("spec").has("metrics")).isFalse();
        assertThat(hpa.path("spec").path("minReplicas").asInt()).isEqualTo(1);
    }

    @Test
    void autoscalersNeedATargetAndSaneBounds() {
        HorizontalPodAutoscalerStrategy v2 = new HorizontalPodAutoscalerStrategy(true);
        assertThat(Json.printed(v2.validateCreate(Json.parse("{spec: {minReplicas: 3, maxReplicas: 2}}"))))
                .containsExactly("spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`",
                        "spec.scaleTargetRef.kind: Required value", "spec.scaleTargetRef.name: Required value");
        assertThat(Json.printed(v2.validateCreate(Json.parse("{spec: {scaleTargetRef: {kind: 'D', name: 'd'},"
                + " minReplicas: 0, maxReplicas: 0}}")))).containsExactly(
                "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
                "spec.maxReplicas: Invalid value: 0: must be greater than 0",
                "spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to "
                        + "zero replicas");
        assertThat(Json.printed(new HorizontalPodAutoscalerStrategy(false).validateCreate(Json.parse("{spec: "
                + "{scaleTargetRef: {kind: 'D', name: 'd'}, minReplicas: 0, maxReplicas: 2}}")))).containsExactly(
                "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
                "spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to "
                        + "zero replicas");
        // An External metric can wake it from zero: only the lower bound (the HPAScaleToZero gate is off) remains.
        assertThat(Json.printed(v2.validateCreate(Json.parse("{spec: {scaleTargetRef: {kind: 'D', name: 'd'},"
                + " minReplicas: 0, maxReplicas: 2, metrics: [{type: 'External', external: {metric: {name: 'q'},"
                + " target: {type: 'Value', value: '1'}}}]}}")))).containsExactly(
                "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1");
    }

    @Test
    void nodesEndpointsSlicesAndLimitRangesGetTheirDefaults() {
        ObjectNode node = Json.parse("{spec: {unschedulable: false}, status: {capacity: {cpu: '4'}}}");
        new SmallKinds.NodeStrategy().applyDefaults(node);
        assertThat(node).isEqualTo(Json.parse("{spec: {}, status: {capacity: {cpu: '4'}, allocatable: {cpu: '4'}}}"));

        ObjectNode endpoints = Json.parse("{subsets: [{ports: [{port: 80}]}]}");
        new SmallKinds.EndpointsStrategy().applyDefaults(endpoints);
        assertThat(endpoints.path("subsets").get(0).path("ports").get(0).path("protocol").asText()).isEqualTo("TCP");

        ObjectNode slice = Json.parse("{ports: [{port: 80}]}");
        new SmallKinds.EndpointSliceStrategy().applyDefaults(slice);
        assertThat(slice.path("ports").get(0)).isEqualTo(Json.parse("{port: 80, name: '', protocol: 'TCP'}"));

        ObjectNode limits = Json.parse("{spec: {limits: [{type: 'Container', max: {cpu: '2'}, min: {memory: '1Mi'}}]}}");
        new SmallKinds.LimitRangeStrategy().applyDefaults(limits);
        assertThat(limits.path("spec").path("limits").get(0)).isEqualTo(Json.parse("{type: 'Container',"
                + " max: {cpu: '2'}, min: {memory: '1Mi'}, default: {cpu: '2'}, defaultRequest: {cpu: '2',"
                + " memory: '1Mi'}}"));
    }
}
