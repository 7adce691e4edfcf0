package io.drover.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class TruncationTest {
    private static final Name NAME = Name.fromConstantString("big.shop.svc.cluster.local.");
    private static final Name OTHER = Name.fromConstantString("other.shop.svc.cluster.local.");

    @Test
    void keepsTheAnswerRecordsThatFitAndSetsTc() throws Exception {
        Message response = response(60, 0);

        Message cut = new Message(Truncation.toWire(response, 512));

        assertThat(cut.getHeader().getFlag(Flags.TC)).isTrue();
        // Header and question 44 bytes, then 16 bytes per compressed A record: 29 fit in 512.
        assertThat(cut.getSection(Section.ANSWER)).hasSize(29);
        assertThat(cut.getSection(Section.ANSWER)).containsExactlyElementsOf(
                response.getSection(Section.ANSWER).subList(0, 29));
        assertThat(cut.toWire().length).isLessThanOrEqualTo(512);
        assertThat(response.getHeader().getFlag(Flags.TC)).as("the response itself is left alone").isFalse();
    }

    @Test
    void theOptRecordStaysAndCountsAgainstTheBuffer() throws Exception {
        Message response = response(60, 0);
        response.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);

        Message cut = new Message(Truncation.toWire(response, 512));

        assertThat(cut.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(cut.getSection(Section.ANSWER)).hasSize(29 - 1); // the OPT's 11 bytes cost one record
        assertThat(cut.getOPT()).isNotNull();
        assertThat(cut.getSection(Section.ADDITIONAL)).singleElement().isInstanceOf(OPTRecord.class);
    }

    @Test
    void additionalRecordsFillWhatTheAnswerLeavesAndStopAtTheFirstThatDoesNotFit() throws Exception {
        Message response = response(10, 40);

        Message cut = new Message(Truncation.toWire(response, 512));

        assertThat(cut.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(cut.getSection(Section.ANSWER)).hasSize(10);
        assertThat(cut.getSection(Section.ADDITIONAL)).isNotEmpty().hasSizeLessThan(40);
        assertThat(cut.toWire().length).isLessThanOrEqualTo(512);
    }

    @Test
    void aResponseThatFitsIsLeftWhole() throws Exception {
        Message response = response(10, 0);

        Message whole = new Message(Truncation.toWire(response, 512));

        assertThat(whole.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(whole.getSection(Section.ANSWER)).hasSize(10);
    }

    private static Message response(int answers, int additional) throws Exception {
        Message response = Message.newQuery(Record.newRecord(NAME, Type.A, DClass.IN));
        response.getHeader().setFlag(Flags.QR);
        for (int i = 0; i < answers; i++) {
            response.addRecord(new ARecord(NAME, DClass.IN, 5, InetAddress.getByName("10.2.0." + (i + 1))),
                    Section.ANSWER);
        }
        for (int i = 0; i < additional; i++) {
            response.addRecord(new ARecord(OTHER, DClass.IN, 5, InetAddress.getByName("10.3.0." + (i + 1))),
                    Section.ADDITIONAL);
        }
        return response;
    }
}
