package io.drover.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Cluster answers of the query handler (no upstream involved). */
class QueryHandlerTest {
    private static final Name ZONE = Name.fromConstantString("cluster.local.");

    @Test
    void srvAnswersCarryTheirTargetsAddressesAndShareTheWeight() {
        EndpointSlice slice = ServiceRecordsTest.slice("db")
                .addNewEndpoint().withAddresses("10.0.0.1").withHostname("db-0").endEndpoint()
                .addNewEndpoint().withAddresses("10.0.0.2").withHostname("db-1").endEndpoint()
                .addNewEndpoint().withAddresses("10.0.0.3").withHostname("db-2").endEndpoint()
                .addNewPort().withName("pg").withProtocol("TCP").withPort(5432).endPort()
                .build();
        RecordIndex index = ServiceRecords.build(ZONE, 5, 1, List.of("shop"),
                List.of(ServiceRecordsTest.service("db", "shop", "None", "pg", "TCP", 5432),
                        ServiceRecordsTest.service("web", "shop", "10.43.0.50", "http", "TCP", 80)),
                List.of(slice), List.of());
        QueryHandler handler = new QueryHandler(() -> index, new Forwarder(List.of(), Duration.ofSeconds(1)));

        Message headless = handler.respond(QueryHandlerIT.query("_pg._tcp.db.shop.svc.cluster.local.", Type.SRV));
        assertThat(headless.getSection(Section.ANSWER)).hasSize(3)
                .allSatisfy(r -> assertThat(((SRVRecord) r).getWeight()).isEqualTo(33));
        assertThat(headless.getSection(Section.ADDITIONAL))
                .extracting(r -> r.getName() + " " + ((ARecord) r).getAddress().getHostAddress())
                .containsExactlyInAnyOrder("db-0.db.shop.svc.cluster.local. 10.0.0.1",
                        "db-1.db.shop.svc.cluster.local. 10.0.0.2", "db-2.db.shop.svc.cluster.local. 10.0.0.3");

        Message clusterIp = handler.respond(QueryHandlerIT.query("_http._tcp.web.shop.svc.cluster.local.", Type.SRV));
        assertThat(((SRVRecord) clusterIp.getSection(Section.ANSWER).get(0)).getWeight()).isEqualTo(100);
        assertThat(clusterIp.getSection(Section.ADDITIONAL)).singleElement()
                .satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("10.43.0.50"));

        // Other types carry nothing extra.
        List<Record> extra = handler.respond(QueryHandlerIT.query("db.shop.svc.cluster.local.", Type.A))
                .getSection(Section.ADDITIONAL);
        assertThat(extra).isEmpty();
    }

    @Test
    void clusterAnswersAreAuthoritativeWithoutRecursionAvailableAndCopyRdAndCd() {
        QueryHandler handler = handler(List.of(ServiceRecordsTest.service("web", "shop", "10.43.0.50", "http", "TCP",
                80)));
        for (String name : List.of("web.shop.svc.cluster.local.", "nope.shop.svc.cluster.local.")) {
            Message q = QueryHandlerIT.query(name, Type.A);
            q.getHeader().setFlag(Flags.CD);
            Message response = handler.respond(q);
            assertThat(response.getHeader().getFlag(Flags.AA)).as(name).isTrue();
            assertThat(response.getHeader().getFlag(Flags.RA)).as(name).isFalse();
            assertThat(response.getHeader().getFlag(Flags.RD)).as(name).isTrue();
            assertThat(response.getHeader().getFlag(Flags.CD)).as(name).isTrue();
        }
    }

    @Test
    void zoneTransfersAreRefused() {
        QueryHandler handler = handler(List.of(ServiceRecordsTest.service("web", "shop", "10.43.0.50", "http", "TCP",
                80)));

        for (int type : new int[] {Type.AXFR, Type.IXFR}) {
            Message response = handler.respond(QueryHandlerIT.query("cluster.local.", type));
            assertThat(response.getRcode()).isEqualTo(Rcode.REFUSED);
            assertThat(response.getHeader().getFlag(Flags.AA)).isFalse();
            assertThat(response.getSection(Section.ANSWER)).isEmpty();
            assertThat(response.getSection(Section.AUTHORITY)).isEmpty();
        }
    }

    @Test
    void theZoneApexNamesTheKubeDnsServiceThisServerIsAnEndpointOfAsNameServer() throws Exception {
        Service kubeDns = ServiceRecordsTest.service("kube-dns", "kube-system", "10.43.0.10", "dns", "UDP", 53);
        EndpointSlice slice = ServiceRecordsTest.slice("kube-dns").editMetadata().withNamespace("kube-system")
                .endMetadata().addNewEndpoint().withAddresses("10.0.0.53").endEndpoint().build();
        RecordIndex index = ServiceRecords.build(ZONE, 5, 1, List.of("kube-system"), List.of(kubeDns),
                List.of(slice), List.of(InetAddress.getByName("10.0.0.53")));
        QueryHandler handler = new QueryHandler(() -> index, new Forwarder(List.of(), Duration.ofSeconds(1)));

        Message ns = handler.respond(QueryHandlerIT.query("cluster.local.", Type.NS));
        assertThat(ns.getSection(Section.ANSWER)).singleElement().satisfies(r -> {
            assertThat(r.getName()).isEqualTo(ZONE);
            assertThat(((NSRecord) r).getTarget()).hasToString("kube-dns.kube-system.svc.cluster.local.");
            assertThat(r.getTTL()).isEqualTo(5);
        });
        assertThat(ns.getSection(Section.ADDITIONAL)).singleElement().satisfies(r -> {
            assertThat(r.getName()).hasToString("kube-dns.kube-system.svc.cluster.local.");
            assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("10.43.0.10");
        });
        assertThat(handler.respond(QueryHandlerIT.query("ns.dns.cluster.local.", Type.A)).getSection(Section.ANSWER))
                .singleElement()
                .satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("10.43.0.10"));
    }

    @Test
    void aServerNoEndpointPointsAtIsNsDnsAtItsOwnAddress() throws Exception {
        RecordIndex index = ServiceRecords.build(ZONE, 5, 1, List.of("shop"), List.of(), List.of(),
                List.of(InetAddress.getByName("10.0.0.53")));
        QueryHandler handler = new QueryHandler(() -> index, new Forwarder(List.of(), Duration.ofSeconds(1)));

        Message ns = handler.respond(QueryHandlerIT.query("cluster.local.", Type.NS));
        assertThat(ns.getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((NSRecord) r).getTarget()).hasToString("ns.dns.cluster.local."));
        assertThat(ns.getSection(Section.ADDITIONAL)).singleElement().satisfies(r -> {
            assertThat(r.getName()).hasToString("ns.dns.cluster.local.");
            assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("10.0.0.53");
        });
        // The parent of ns.dns is no name, as CoreDNS's parseRequest.
        assertThat(handler.respond(QueryHandlerIT.query("dns.cluster.local.", Type.A)).getRcode())
                .isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void withoutAddressesOfItsOwnTheApexHasNoNameServer() {
        QueryHandler handler = handler(List.of());

        Message ns = handler.respond(QueryHandlerIT.query("cluster.local.", Type.NS));
        assertThat(ns.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ns.getSection(Section.ANSWER)).isEmpty();
        // ns.dns.<zone> exists all the same (CoreDNS's isDefaultNS answers it without error).
        Message nsDns = handler.respond(QueryHandlerIT.query("ns.dns.cluster.local.", Type.A));
        assertThat(nsDns.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(nsDns.getSection(Section.ANSWER)).isEmpty();
    }

    private static QueryHandler handler(List<Service> services) {
        RecordIndex index = ServiceRecords.build(ZONE, 5, 1, List.of("shop"), services, List.of(), List.of());
        return new QueryHandler(() -> index, new Forwarder(List.of(), Duration.ofSeconds(1)));
    }
}
