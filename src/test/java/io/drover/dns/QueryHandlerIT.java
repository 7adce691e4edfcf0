package io.drover.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Answers that need the upstream resolver, against a fake one on a free loopback port. */
class QueryHandlerIT {
    private static final Name ZONE = Name.fromConstantString("cluster.local.");

    private FakeUpstreamDns upstream;
    private DatagramSocket silent;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeUpstreamDns(Map.of("www.example.test.", "192.0.2.7"));
        silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() throws Exception {
        silent.close();
        upstream.close();
    }

    @Test
    void externalNameOutsideTheZoneIsCompletedWithTheUpstreamAnswer() {
        QueryHandler handler = handler(List.of(upstream.address()), externalName("ext", "www.example.test"));

        Message response = handler.respond(query("ext.shop.svc.cluster.local.", Type.A));

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        List<Record> answer = response.getSection(Section.ANSWER);
        assertThat(answer).hasSize(2);
        assertThat(((CNAMERecord) answer.get(0)).getTarget()).isEqualTo(Name.fromConstantString("www.example.test."));
        assertThat(answer.get(1).getName()).isEqualTo(Name.fromConstantString("www.example.test."));
        assertThat(((ARecord) answer.get(1)).getAddress().getHostAddress()).isEqualTo("192.0.2.7");
        assertThat(handler.needsForwarding(query("ext.shop.svc.cluster.local.", Type.A))).isTrue();
        // Asked for the CNAME itself: no upstream lookup.
        assertThat(handler.respond(query("ext.shop.svc.cluster.local.", Type.CNAME)).getSection(Section.ANSWER))
                .singleElement().isInstanceOf(CNAMERecord.class);
    }

    @Test
    void externalNameUpstreamDoesNotKnowIsTheCnameAlone() {
        QueryHandler handler = handler(List.of(upstream.address()), externalName("gone", "gone.example.test"));

        Message response = handler.respond(query("gone.shop.svc.cluster.local.", Type.A));

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.getSection(Section.ANSWER)).singleElement().isInstanceOf(CNAMERecord.class);
    }

    @Test
    void externalNameWithSilentUpstreamsIsTheCnameAloneWithinOneTimeout() {
        InetSocketAddress mute = (InetSocketAddress) silent.getLocalSocketAddress();
        QueryHandler handler = handler(List.of(mute, mute, mute), externalName("ext", "www.example.test"));

        long started = System.nanoTime();
        Message response = handler.respond(query("ext.shop.svc.cluster.local.", Type.A));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.getSection(Section.ANSWER)).singleElement().isInstanceOf(CNAMERecord.class);
        assertThat(took).isLessThan(Duration.ofMillis(1500));
    }

    private static QueryHandler handler(List<InetSocketAddress> upstreams, Service... services) {
        RecordIndex index = ServiceRecords.build(ZONE, 5, 1, List.of("shop"), List.of(services), List.of(), List.of());
        return new QueryHandler(() -> index, new Forwarder(upstreams, Duration.ofMillis(500)));
    }

    static Service externalName(String name, String target) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("shop").endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName(target).endSpec().build();
    }

    static Message query(String name, int type) {
        return Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
    }
}
