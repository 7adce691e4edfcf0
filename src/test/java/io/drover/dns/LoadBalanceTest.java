package io.drover.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class LoadBalanceTest {
    private static final Name ZONE = Name.fromConstantString("cluster.local.");

    @Test
    void headlessAnswersComeInEveryOrder() throws Exception {
        EndpointSlice slice = ServiceRecordsTest.slice("db")
                .addNewEndpoint().withAddresses("10.0.0.1").endEndpoint()
                .addNewEndpoint().withAddresses("10.0.0.2").endEndpoint()
                .addNewEndpoint().withAddresses("10.0.0.3").endEndpoint()
                .build();
        RecordIndex index = ServiceRecords.build(ZONE, 5, 1, List.of("shop"),
                List.of(ServiceRecordsTest.service("db", "shop", "None", "pg", "TCP", 5432)), List.of(slice), List.of());
        QueryHandler handler = new QueryHandler(() -> index, new Forwarder(List.of(), Duration.ofSeconds(1)));

        Set<String> first = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Message response = new Message(handler.answer(QueryHandlerIT.query("db.shop.svc.cluster.local.", Type.A),
                    false));
            List<Record> answer = response.getSection(Section.ANSWER);
            assertThat(answer).hasSize(3);
            first.add(((ARecord) answer.get(0)).getAddress().getHostAddress());
        }
        assertThat(first).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2", "10.0.0.3");
    }

    @Test
    void cnamesStayFirstAndOtherRecordsKeepTheirOrder() throws Exception {
        Name alias = Name.fromConstantString("ext.shop.svc.cluster.local.");
        Name target = Name.fromConstantString("www.example.test.");
        Record cname = new CNAMERecord(alias, DClass.IN, 5, target);
        Record a1 = new ARecord(target, DClass.IN, 5, java.net.InetAddress.getByName("192.0.2.1"));
        Record a2 = new ARecord(target, DClass.IN, 5, java.net.InetAddress.getByName("192.0.2.2"));
        Record srv1 = new SRVRecord(alias, DClass.IN, 5, 0, 50, 80, target);
        Record srv2 = new SRVRecord(alias, DClass.IN, 5, 0, 50, 81, target);

        for (int i = 0; i < 50; i++) {
            List<Record> out = LoadBalance.roundRobin(List.of(a1, srv1, cname, a2, srv2));
            assertThat(out.subList(0, 3)).containsExactly(cname, srv1, srv2);
            assertThat(out.subList(3, 5)).containsExactlyInAnyOrder(a1, a2);
        }
    }

    @Test
    void errorsAreLeftAsTheyAre() {
        Message response = QueryHandlerIT.query("x.", Type.A);
        response.getHeader().setRcode(org.xbill.DNS.Rcode.NXDOMAIN);
        String before = response.toString();

        LoadBalance.shuffle(response);

        assertThat(response.toString()).isEqualTo(before);
    }
}
