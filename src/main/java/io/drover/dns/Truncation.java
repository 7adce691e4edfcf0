package io.drover.dns;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Encodes a response within the client's buffer as CoreDNS does (request.Scrub, miekg/dns
 * {@code Msg.Truncate}): when the whole message does not fit, it keeps as many records as fit, one
 * by one, answer first, then authority, then additional, stopping at the first that does not fit
 * (nothing after it, from any section); the OPT record always stays; TC is set. dnsjava's own
 * {@code toWire(limit)} drops whole RRsets instead, so a large answer came back with no records.
 */
final class Truncation {
    private static final int[] SECTIONS = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};

    private Truncation() {}

    /** The wire form of {@code response}, at most {@code limit} bytes (never less than 512, RFC 6891). */
    static byte[] toWire(Message response, int limit) {
        byte[] whole = response.toWire();
        int size = Math.max(512, limit);
        if (whole.length <= size) {
            return whole;
        }
        List<Entry> records = new ArrayList<>();
        for (int section : SECTIONS) {
            for (Record record : response.getSection(section)) {
                if (!(record instanceof OPTRecord)) {
                    records.add(new Entry(section, record));
                }
            }
        }
        // A longer prefix never encodes shorter (compression only points back), so the longest
        // prefix that fits is found by bisection rather than by encoding every prefix.
        int fits = 0;
        int fitsNot = records.size();
        byte[] best = prefix(response, records, 0);
        while (fitsNot - fits > 1) {
            int middle = (fits + fitsNot) >>> 1;
            byte[] wire = prefix(response, records, middle);
            if (wire.length <= size) {
                fits = middle;
                best = wire;
            } else {
                fitsNot = middle;
            }
        }
        return best;
    }

    private static byte[] prefix(Message response, List<Entry> records, int count) {
        Message cut = response.clone();
        OPTRecord opt = response.getOPT();
        for (int section : SECTIONS) {
            cut.removeAllRecords(section);
        }
        for (Entry entry : records.subList(0, count)) {
            cut.addRecord(entry.record(), entry.section());
        }
        if (opt != null) {
            cut.addRecord(opt, Section.ADDITIONAL);
        }
        cut.getHeader().setFlag(Flags.TC);
        return cut.toWire();
    }

    private record Entry(int section, Record record) {}
}
