package io.drover.dns;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The address records of a response in random order, as CoreDNS's {@code loadbalance} plugin (the
 * last line of the kubeadm, kind and k3s Corefile): clients that take the first address spread over
 * a headless Service's endpoints instead of all taking the first one. Like the plugin it shuffles
 * every successful response (forwarded ones too), in each section: A, AAAA and MX records are
 * shuffled among themselves and put after the CNAMEs and the other records, which keep their order.
 */
final class LoadBalance {
    private LoadBalance() {}

    /** Shuffles {@code response} in place unless it is an error or a zone transfer. */
    static void shuffle(Message response) {
        Record question = response.getQuestion();
        if (response.getRcode() != Rcode.NOERROR
                || (question != null && (question.getType() == Type.AXFR || question.getType() == Type.IXFR))) {
            return;
        }
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
            List<Record> records = response.getSection(section);
            if (records.size() > 1) {
                response.removeAllRecords(section);
                roundRobin(records).forEach(r -> response.addRecord(r, section));
            }
        }
    }

    /** CoreDNS's roundRobin: CNAMEs, then the rest as they were, then the addresses, then MX, each shuffled. */
    static List<Record> roundRobin(List<Record> in) {
        List<Record> cnames = new ArrayList<>();
        List<Record> rest = new ArrayList<>();
        List<Record> addresses = new ArrayList<>();
        List<Record> mx = new ArrayList<>();
        for (Record record : in) {
            switch (record.getType()) {
                case Type.CNAME -> cnames.add(record);
                case Type.A, Type.AAAA -> addresses.add(record);
                case Type.MX -> mx.add(record);
                default -> rest.add(record);
            }
        }
        Collections.shuffle(addresses, ThreadLocalRandom.current());
        Collections.shuffle(mx, ThreadLocalRandom.current());
        List<Record> out = new ArrayList<>(in.size());
        out.addAll(cnames);
        out.addAll(rest);
        out.addAll(addresses);
        out.addAll(mx);
        return out;
    }
}
