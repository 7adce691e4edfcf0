package io.drover.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class ServiceRecordsTest {
    private static final Name ZONE = Name.fromConstantString("cluster.local.");

    @Test
    void clusterIpServiceHasAddressSrvAndPtrRecords() {
        RecordIndex index = build(List.of(service("web", "shop", "10.43.0.50", "http", "TCP", 80)), List.of());

        assertThat(records(index, "web.shop.svc.cluster.local.", Type.A))
                .singleElement().satisfies(r -> {
                    assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("10.43.0.50");
                    assertThat(r.getTTL()).isEqualTo(5);
                });
        SRVRecord srv = (SRVRecord) records(index, "_http._tcp.web.shop.svc.cluster.local.", Type.SRV).get(0);
        assertThat(srv.getPort()).isEqualTo(80);
        assertThat(srv.getPriority()).isZero();
        assertThat(srv.getWeight()).isEqualTo(100);
        assertThat(srv.getTarget()).isEqualTo(Name.fromConstantString("web.shop.svc.cluster.local."));
        assertThat(((PTRRecord) records(index, "50.0.43.10.in-addr.arpa.", Type.PTR).get(0)).getTarget())
                .isEqualTo(Name.fromConstantString("web.shop.svc.cluster.local."));
        // An address question on the SRV name gets the ClusterIP, as CoreDNS's findServices.
        assertThat(records(index, "_http._tcp.web.shop.svc.cluster.local.", Type.A)).singleElement()
                .satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("10.43.0.50"));
    }

    @Test
    void unknownNamesAreNxDomainAndParentsAndOtherTypesAreNoData() {
        RecordIndex index = build(List.of(service("web", "shop", "10.43.0.50", "http", "TCP", 80)), List.of());

        assertThat(lookup(index, "nope.shop.svc.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.NxDomain.class);
        assertThat(lookup(index, "web.shop.svc.cluster.local.", Type.AAAA)).isInstanceOf(RecordIndex.Answer.NoData.class);
        assertThat(lookup(index, "shop.svc.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.NoData.class);
        assertThat(lookup(index, "svc.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.NoData.class);
        // A parent of the SRV names is no name (CoreDNS's parseRequest reads it as an endpoint that is not there).
        assertThat(lookup(index, "_tcp.web.shop.svc.cluster.local.", Type.A))
                .isInstanceOf(RecordIndex.Answer.NxDomain.class);
        assertThat(lookup(index, "example.com.", Type.A)).isInstanceOf(RecordIndex.Answer.NotOurs.class);
        assertThat(lookup(index, "1.2.0.192.in-addr.arpa.", Type.PTR)).isInstanceOf(RecordIndex.Answer.NotOurs.class);
        assertThat(lookup(index, "WEB.Shop.svc.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.Records.class);
        assertThat(records(index, "dns-version.cluster.local.", Type.TXT)).singleElement().satisfies(r -> {
            assertThat(((TXTRecord) r).getStrings()).containsExactly("1.1.0");
            assertThat(r.getTTL()).isEqualTo(28800);
        });
    }

    @Test
    void headlessServiceAnswersWithReadyEndpointsAndTheirHostnames() {
        Service db = service("db", "shop", "None", "pg", "TCP", 5432);
        EndpointSlice slice = slice("db")
                .addNewEndpoint().withAddresses("10.0.0.1").withHostname("db-0").endEndpoint()
                .addNewEndpoint().withAddresses("10.0.0.2").withNewConditions().withReady(true).endConditions()
                .endEndpoint()
                .addNewEndpoint().withAddresses("10.0.0.3").withNewConditions().withReady(false).endConditions()
                .endEndpoint()
                .addNewPort().withName("pg").withProtocol("TCP").withPort(25432).endPort()
                .build();
        RecordIndex index = build(List.of(db), List.of(slice));

        assertThat(records(index, "db.shop.svc.cluster.local.", Type.A))
                .extracting(r -> ((ARecord) r).getAddress().getHostAddress()).containsExactly("10.0.0.1", "10.0.0.2");
        assertThat(records(index, "db-0.db.shop.svc.cluster.local.", Type.A))
                .extracting(r -> ((ARecord) r).getAddress().getHostAddress()).containsExactly("10.0.0.1");
        assertThat(records(index, "10-0-0-2.db.shop.svc.cluster.local.", Type.A)).hasSize(1);
        assertThat(records(index, "_pg._tcp.db.shop.svc.cluster.local.", Type.SRV))
                .extracting(r -> ((SRVRecord) r).getTarget().toString() + ":" + ((SRVRecord) r).getPort())
                .containsExactly("db-0.db.shop.svc.cluster.local.:25432", "10-0-0-2.db.shop.svc.cluster.local.:25432");
        assertThat(records(index, "_pg._tcp.db.shop.svc.cluster.local.", Type.A))
                .extracting(r -> ((ARecord) r).getAddress().getHostAddress()).containsExactly("10.0.0.1", "10.0.0.2");
        assertThat(((PTRRecord) records(index, "1.0.0.10.in-addr.arpa.", Type.PTR).get(0)).getTarget())
                .isEqualTo(Name.fromConstantString("db-0.db.shop.svc.cluster.local."));
        assertThat(lookup(index, "3.0.0.10.in-addr.arpa.", Type.PTR)).isInstanceOf(RecordIndex.Answer.NotOurs.class);
    }

    @Test
    void ipv6EndpointWithoutHostnameIsNamedAfterTheAddressAsTheSliceSpellsIt() {
        EndpointSlice slice = slice("db").withAddressType("IPv6")
                .addNewEndpoint().withAddresses("fd00::1").endEndpoint()
                .addNewPort().withName("pg").withProtocol("TCP").withPort(5432).endPort()
                .build();
        RecordIndex index = build(List.of(service("db", "shop", "None", "pg", "TCP", 5432)), List.of(slice));

        assertThat(records(index, "fd00--1.db.shop.svc.cluster.local.", Type.AAAA)).hasSize(1);
        assertThat(records(index, "_pg._tcp.db.shop.svc.cluster.local.", Type.SRV))
                .extracting(r -> ((SRVRecord) r).getTarget().toString())
                .containsExactly("fd00--1.db.shop.svc.cluster.local.");
    }

    @Test
    void externalNameServiceIsACname() {
        Service ext = new ServiceBuilder().withNewMetadata().withName("search").withNamespace("shop").endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName("search.example.com").endSpec().build();
        RecordIndex index = build(List.of(ext), List.of());

        assertThat(((CNAMERecord) records(index, "search.shop.svc.cluster.local.", Type.CNAME).get(0)).getTarget())
                .isEqualTo(Name.fromConstantString("search.example.com."));
        // Only A and AAAA follow the alias (CoreDNS's SRV, TXT, MX lookups find nothing of the type).
        for (int type : new int[] {Type.SRV, Type.TXT, Type.MX}) {
            assertThat(lookup(index, "search.shop.svc.cluster.local.", type)).as(Type.string(type))
                    .isInstanceOf(RecordIndex.Answer.NoData.class);
        }
    }

    @Test
    void externalNameOutsideTheZoneLeavesItsTargetToTheUpstreamResolvers() {
        RecordIndex index = build(List.of(QueryHandlerIT.externalName("ext", "www.example.com")), List.of());

        assertThat(lookup(index, "ext.shop.svc.cluster.local.", Type.A)).isInstanceOfSatisfying(
                RecordIndex.Answer.ExternalAlias.class,
                alias -> assertThat(alias.target()).isEqualTo(Name.fromConstantString("www.example.com.")));
    }

    @Test
    void externalNameThatIsAnAddressHasNoName() {
        RecordIndex index = build(List.of(QueryHandlerIT.externalName("ip", "1.2.3.4"),
                QueryHandlerIT.externalName("v6", "2001:db8::1"),
                QueryHandlerIT.externalName("dotted", "1.2.3.04")), List.of());

        assertThat(lookup(index, "ip.shop.svc.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.NxDomain.class);
        assertThat(lookup(index, "v6.shop.svc.cluster.local.", Type.AAAA)).isInstanceOf(RecordIndex.Answer.NxDomain.class);
        // Not an address as Go reads it (leading zero): a host name, as in CoreDNS.
        assertThat(lookup(index, "dotted.shop.svc.cluster.local.", Type.CNAME))
                .isInstanceOf(RecordIndex.Answer.Records.class);
    }

    @Test
    void anExternalNameInsideTheClusterIsFollowedToItsAddresses() {
        Service alias = new ServiceBuilder().withNewMetadata().withName("alias").withNamespace("shop").endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName("web.shop.svc.cluster.local").endSpec().build();
        Service loop = new ServiceBuilder().withNewMetadata().withName("loop").withNamespace("shop").endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName("loop.shop.svc.cluster.local").endSpec().build();
        RecordIndex index = build(List.of(service("web", "shop", "10.43.0.50", "http", "TCP", 80), alias, loop),
                List.of());

        List<org.xbill.DNS.Record> answer = records(index, "alias.shop.svc.cluster.local.", Type.A);
        assertThat(answer).hasSize(2);
        assertThat(((CNAMERecord) answer.get(0)).getTarget()).isEqualTo(Name.fromConstantString("web.shop.svc.cluster.local."));
        assertThat(((ARecord) answer.get(1)).getAddress().getHostAddress()).isEqualTo("10.43.0.50");
        assertThat(records(index, "alias.shop.svc.cluster.local.", Type.CNAME)).hasSize(1);
        assertThat(records(index, "loop.shop.svc.cluster.local.", Type.A)).hasSizeLessThan(10); // a loop ends
    }

    @Test
    void podNamesOfExistingNamespacesAnswerWithTheAddressTheirLabelSpells() {
        RecordIndex index = build(List.of(), List.of());

        assertThat(records(index, "10-1-2-3.shop.pod.cluster.local.", Type.A)).singleElement().satisfies(r -> {
            assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("10.1.2.3");
            assertThat(r.getTTL()).isEqualTo(5);
            assertThat(r.getName()).isEqualTo(Name.fromConstantString("10-1-2-3.shop.pod.cluster.local."));
        });
        assertThat(records(index, "fd00--1.empty.pod.cluster.local.", Type.AAAA)).singleElement()
                .satisfies(r -> assertThat(((AAAARecord) r).getAddress().getHostAddress()).isEqualTo("fd00:0:0:0:0:0:0:1"));
        assertThat(lookup(index, "10-1-2-3.shop.pod.cluster.local.", Type.AAAA))
                .isInstanceOf(RecordIndex.Answer.NoData.class);
        assertThat(lookup(index, "fd00--1.empty.pod.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.NoData.class);
        assertThat(lookup(index, "10-1-2-300.shop.pod.cluster.local.", Type.A))
                .isInstanceOf(RecordIndex.Answer.NxDomain.class);
        assertThat(lookup(index, "web.shop.pod.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.NxDomain.class);
        assertThat(lookup(index, "10-1-2-3.other.pod.cluster.local.", Type.A))
                .isInstanceOf(RecordIndex.Answer.NxDomain.class);
        assertThat(lookup(index, "x.10-1-2-3.shop.pod.cluster.local.", Type.A))
                .isInstanceOf(RecordIndex.Answer.NxDomain.class);
        assertThat(lookup(index, "shop.pod.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.NoData.class);
        assertThat(lookup(index, "other.pod.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.NxDomain.class);
        assertThat(lookup(index, "pod.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.NoData.class);
    }

    @Test
    void namespaceWithoutServicesIsNoDataAndUnknownNamespaceNxDomain() {
        RecordIndex index = build(List.of(), List.of());

        assertThat(lookup(index, "empty.svc.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.NoData.class);
        assertThat(lookup(index, "other.svc.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.NxDomain.class);
        assertThat(lookup(index, "web.empty.svc.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.NxDomain.class);
    }

    @Test
    void headlessServiceWithoutReadyEndpointsIsNxDomain() {
        Service db = service("db", "shop", "None", "pg", "TCP", 5432);
        EndpointSlice notReady = slice("db")
                .addNewEndpoint().withAddresses("10.0.0.3").withNewConditions().withReady(false).endConditions()
                .endEndpoint()
                .addNewPort().withName("pg").withProtocol("TCP").withPort(25432).endPort()
                .build();
        RecordIndex index = build(List.of(db, service("bare", "shop", "None", "pg", "TCP", 5432)), List.of(notReady));

        assertThat(lookup(index, "db.shop.svc.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.NxDomain.class);
        assertThat(lookup(index, "_pg._tcp.db.shop.svc.cluster.local.", Type.SRV))
                .isInstanceOf(RecordIndex.Answer.NxDomain.class);
        assertThat(lookup(index, "bare.shop.svc.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.NxDomain.class);
    }

    @Test
    void serviceWithoutClusterIpYetExistsWithoutAddresses() {
        RecordIndex index = build(List.of(service("new", "shop", null, "http", "TCP", 80)), List.of());

        assertThat(lookup(index, "new.shop.svc.cluster.local.", Type.A)).isInstanceOf(RecordIndex.Answer.NoData.class);
    }

    static Service service(String name, String namespace, String clusterIp, String portName, String protocol,
            int port) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp)
                .addNewPort().withName(portName).withProtocol(protocol).withPort(port).endPort()
                .endSpec().build();
    }

    /** An IPv4 EndpointSlice of Service {@code service} in namespace shop, endpoints and ports to add. */
    static EndpointSliceBuilder slice(String service) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withName(service + "-abc").withNamespace("shop")
                .withLabels(Map.of(ServiceRecords.SERVICE_NAME_LABEL, service)).endMetadata()
                .withAddressType("IPv4");
    }

    private static RecordIndex build(List<Service> services, List<EndpointSlice> slices) {
        return ServiceRecords.build(ZONE, 5, 1, List.of("shop", "empty"), services, slices, List.of());
    }

    private static RecordIndex.Answer lookup(RecordIndex index, String name, int type) {
        return index.lookup(Name.fromConstantString(name), type);
    }

    private static List<Record> records(RecordIndex index, String name, int type) {
        RecordIndex.Answer answer = lookup(index, name, type);
        assertThat(answer).as("%s %s", name, Type.string(type)).isInstanceOf(RecordIndex.Answer.Records.class);
        return ((RecordIndex.Answer.Records) answer).records();
    }
}
