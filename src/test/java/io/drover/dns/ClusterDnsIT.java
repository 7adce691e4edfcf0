package io.drover.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The cluster DNS of a real server answering real UDP and TCP queries from Services and EndpointSlices. */
class ClusterDnsIT {
    private static FakeUpstreamDns upstream;
    private static TestCluster cluster;
    private static KubernetesClient client;
    private static InetSocketAddress dns;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstreamDns(Map.of("www.example.test.", "192.0.2.7"));
        cluster = TestCluster.start(o -> o.withClusterDns(ClusterDnsOptions.defaults().withAddress("127.0.0.1", 0)
                .withUpstreams(List.of(upstream.address()))));
        client = cluster.client();
        dns = cluster.server().clusterDns().address();
        client.services().inNamespace("default")
                .resource(ServiceRecordsTest.service("web", "default", "10.43.0.50", "http", "TCP", 80)).create();
        client.services().inNamespace("default")
                .resource(ServiceRecordsTest.service("db", "default", "None", "pg", "TCP", 5432)).create();
        client.discovery().v1().endpointSlices().inNamespace("default")
                .resource(slice("db", "db-1", "10.0.0.1", "10.0.0.2", "10.0.0.3")).create();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    @Test
    void answersClusterIpServiceOverUdpAndTcpWithTtl5() throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Message response = await().atMost(Duration.ofSeconds(10))
                    .until(() -> query("web.default.svc.cluster.local.", Type.A, tcp),
                            r -> r.getSection(Section.ANSWER).size() == 1);
            ARecord a = (ARecord) response.getSection(Section.ANSWER).get(0);
            assertThat(a.getAddress().getHostAddress()).isEqualTo("10.43.0.50");
            assertThat(a.getTTL()).isEqualTo(5);
            assertThat(response.getHeader().getFlag(Flags.AA)).isTrue();
        }
    }

    @Test
    void shortNamesResolveThroughThePodSearchPath() throws Exception {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String name : List.of("web", "web.default", "web.default.svc")) {
                Lookup lookup = new Lookup(name, Type.A);
                lookup.setResolver(resolver(false));
                lookup.setSearchPath("default.svc.cluster.local", "svc.cluster.local", "cluster.local");
                lookup.setNdots(5);
                lookup.setCache(null);
                Record[] answers = lookup.run();
                assertThat(answers).as(name).isNotNull().hasSize(1);
                assertThat(((ARecord) answers[0]).getAddress().getHostAddress()).isEqualTo("10.43.0.50");
            }
        });
    }

    @Test
    void answersSrvForNamedPortsAndPtrForClusterIps() throws Exception {
        Message srv = await().atMost(Duration.ofSeconds(10))
                .until(() -> query("_http._tcp.web.default.svc.cluster.local.", Type.SRV, false),
                        r -> r.getSection(Section.ANSWER).size() == 1);
        SRVRecord record = (SRVRecord) srv.getSection(Section.ANSWER).get(0);
        assertThat(record.getPort()).isEqualTo(80);
        assertThat(record.getTarget()).isEqualTo(Name.fromString("web.default.svc.cluster.local."));

        Message ptr = query(ReverseMap.fromAddress("10.43.0.50").toString(), Type.PTR, false);
        assertThat(((PTRRecord) ptr.getSection(Section.ANSWER).get(0)).getTarget())
                .isEqualTo(Name.fromString("web.default.svc.cluster.local."));
    }

    @Test
    void headlessServiceAnswersWithEveryReadyEndpoint() throws Exception {
        Message response = await().atMost(Duration.ofSeconds(10))
                .until(() -> query("db.default.svc.cluster.local.", Type.A, false),
                        r -> r.getSection(Section.ANSWER).size() == 3);
        assertThat(response.getSection(Section.ANSWER)).extracting(r -> ((ARecord) r).getAddress().getHostAddress())
                .containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2", "10.0.0.3");
        Message srv = query("_pg._tcp.db.default.svc.cluster.local.", Type.SRV, true);
        assertThat(srv.getSection(Section.ANSWER)).hasSize(3)
                .allSatisfy(r -> assertThat(((SRVRecord) r).getPort()).isEqualTo(5432));
    }

    @Test
    void unknownClusterNamesAreNxDomainWithSoaAndOtherTypesNoData() throws Exception {
        Message nx = query("nope.default.svc.cluster.local.", Type.A, false);
        assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(nx.getSection(Section.AUTHORITY)).singleElement()
                .satisfies(r -> assertThat(r.getType()).isEqualTo(Type.SOA));

        Message noData = await().atMost(Duration.ofSeconds(10))
                .until(() -> query("web.default.svc.cluster.local.", Type.AAAA, false),
                        r -> r.getRcode() == Rcode.NOERROR);
        assertThat(noData.getSection(Section.ANSWER)).isEmpty();
        assertThat(noData.getSection(Section.AUTHORITY)).extracting(Record::getType).containsExactly(Type.SOA);
    }

    @Test
    void forwardsOtherNamesToTheUpstreamResolver() throws Exception {
        Message response = query("www.example.test.", Type.A, false);
        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(((ARecord) response.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress())
                .isEqualTo("192.0.2.7");
        assertThat(query("missing.example.test.", Type.A, true).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void externalNameOutsideTheClusterIsAnsweredWithItsTargetsAddress() throws Exception {
        client.services().inNamespace("default")
                .resource(QueryHandlerIT.externalName("ext", "www.example.test")).create();

        Message response = await().atMost(Duration.ofSeconds(10))
                .until(() -> query("ext.default.svc.cluster.local.", Type.A, false),
                        r -> r.getSection(Section.ANSWER).size() == 2);
        assertThat(response.getSection(Section.ANSWER)).extracting(Record::getType)
                .containsExactly(Type.CNAME, Type.A);
        assertThat(((ARecord) response.getSection(Section.ANSWER).get(1)).getAddress().getHostAddress())
                .isEqualTo("192.0.2.7");
    }

    @Test
    void podNamesAndNamespacesWithoutServicesFollowTheNamespaces() throws Exception {
        Message pod = await().atMost(Duration.ofSeconds(10))
                .until(() -> query("10-9-8-7.default.pod.cluster.local.", Type.A, false),
                        r -> r.getSection(Section.ANSWER).size() == 1);
        assertThat(((ARecord) pod.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress())
                .isEqualTo("10.9.8.7");
        assertThat(query("quiet.svc.cluster.local.", Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);

        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName("quiet").endMetadata().build()).create();
        Message noData = await().atMost(Duration.ofSeconds(10))
                .until(() -> query("quiet.svc.cluster.local.", Type.A, false), r -> r.getRcode() == Rcode.NOERROR);
        assertThat(noData.getSection(Section.ANSWER)).isEmpty();
        assertThat(query("10-9-8-7.quiet.pod.cluster.local.", Type.A, true).getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void followsServiceAndEndpointChanges() throws Exception {
        client.services().inNamespace("default")
                .resource(ServiceRecordsTest.service("api", "default", "None", "grpc", "TCP", 9000)).create();
        client.discovery().v1().endpointSlices().inNamespace("default")
                .resource(slice("api", "api-1", "10.1.0.1")).create();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> query("api.default.svc.cluster.local.", Type.A, false).getSection(Section.ANSWER).size(),
                        n -> n == 1);

        client.discovery().v1().endpointSlices().inNamespace("default")
                .resource(slice("api", "api-1", "10.1.0.1", "10.1.0.2")).update();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> query("api.default.svc.cluster.local.", Type.A, false).getSection(Section.ANSWER).size(),
                        n -> n == 2);

        client.services().inNamespace("default").withName("api").delete();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> query("api.default.svc.cluster.local.", Type.A, false).getRcode(),
                        rcode -> rcode == Rcode.NXDOMAIN);
    }

    @Test
    void largeAnswersAreTruncatedOverUdpAndCompleteOverTcp() throws Exception {
        String[] addresses = new String[60];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = "10.2.0." + (i + 1);
        }
        client.services().inNamespace("default")
                .resource(ServiceRecordsTest.service("big", "default", "None", "http", "TCP", 80)).create();
        client.discovery().v1().endpointSlices().inNamespace("default").resource(slice("big", "big-1", addresses))
                .create();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> query("big.default.svc.cluster.local.", Type.A, true).getSection(Section.ANSWER).size(),
                        n -> n == 60);

        // Without EDNS a UDP answer is at most 512 bytes: 60 A records (16 bytes each) do not fit.
        SimpleResolver plainUdp = resolver(false);
        plainUdp.setEDNS(-1);
        plainUdp.setIgnoreTruncation(true);
        Message udp = plainUdp.send(Message.newQuery(
                Record.newRecord(Name.fromString("big.default.svc.cluster.local."), Type.A, DClass.IN)));
        // As CoreDNS (miekg Truncate): the records that fit, not none, and TC.
        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(udp.getSection(Section.ANSWER).size()).isBetween(1, 59);
        assertThat(udp.toWire().length).isLessThanOrEqualTo(512);

        // A client that does not ignore the TC bit retries over TCP and gets everything.
        SimpleResolver retrying = resolver(false);
        retrying.setEDNS(-1);
        Message full = retrying.send(Message.newQuery(
                Record.newRecord(Name.fromString("big.default.svc.cluster.local."), Type.A, DClass.IN)));
        assertThat(full.getSection(Section.ANSWER)).hasSize(60);
    }

    @Test
    void publishesKubeDnsServiceAndThisNodesEndpoint() {
        Service service = client.services().inNamespace("kube-system").withName("kube-dns").get();
        assertThat(service.getSpec().getClusterIP()).isEqualTo(KubeDnsService.CLUSTER_IP);
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getName() + "/" + p.getProtocol() + "/" + p.getPort())
                .containsExactly("dns/UDP/53", "dns-tcp/TCP/53");
        EndpointSlice slice = client.discovery().v1().endpointSlices().inNamespace("kube-system")
                .withName(KubeDnsService.sliceName(cluster.server().nodeName())).get();
        assertThat(slice.getEndpoints().get(0).getAddresses()).containsExactly("127.0.0.1");
        assertThat(slice.getPorts()).extracting(p -> p.getPort()).containsOnly(dns.getPort());
    }

    private static Message query(String name, int type, boolean tcp) throws Exception {
        SimpleResolver resolver = resolver(tcp);
        resolver.setIgnoreTruncation(true);
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    private static SimpleResolver resolver(boolean tcp) {
        SimpleResolver resolver = new SimpleResolver(dns);
        resolver.setTCP(tcp);
        resolver.setTimeout(Duration.ofSeconds(3));
        return resolver;
    }

    private static EndpointSlice slice(String service, String name, String... addresses) {
        EndpointSliceBuilder builder = new EndpointSliceBuilder()
                .withNewMetadata().withName(name).withNamespace("default")
                .withLabels(Map.of(ServiceRecords.SERVICE_NAME_LABEL, service)).endMetadata()
                .withAddressType("IPv4");
        List<String> list = new ArrayList<>(List.of(addresses));
        for (String address : list) {
            builder.addNewEndpoint().withAddresses(address).withNewConditions().withReady(true).endConditions()
                    .endEndpoint();
        }
        String port = service.equals("db") ? "pg" : service.equals("api") ? "grpc" : "http";
        int number = service.equals("db") ? 5432 : service.equals("api") ? 9000 : 80;
        return builder.addNewPort().withName(port).withProtocol("TCP").withPort(number).endPort().build();
    }
}
