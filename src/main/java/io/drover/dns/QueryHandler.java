package io.drover.dns;

import java.util.function.Supplier;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Turns one query into one response: cluster names from the current {@link RecordIndex}
 * (authoritative; an ExternalName alias completed with its target's upstream records), everything
 * else through the {@link Forwarder}. Encoding limits the answer to
 * what the client can take (512 bytes over UDP, its EDNS buffer size, 65535 over TCP), keeping the
 * records that fit and setting the TC bit ({@link Truncation}), and the client retries over TCP.
 */
final class QueryHandler {
    /** The EDNS buffer size this server advertises: the DNS flag day 2020 value, no fragmentation. */
    static final int EDNS_PAYLOAD = 1232;
    static final int TCP_MAX = 65535;

    private final Supplier<RecordIndex> index;
    private final Forwarder forwarder;

    QueryHandler(Supplier<RecordIndex> index, Forwarder forwarder) {
        this.index = index;
        this.forwarder = forwarder;
    }

    /** Whether answering needs the upstream resolvers (slow: the caller should not block its loop on it). */
    boolean needsForwarding(Message query) {
        Record question = query.getQuestion();
        if (question == null || query.getHeader().getOpcode() != Opcode.QUERY) {
            return false;
        }
        RecordIndex.Answer answer = index.get().lookup(question.getName(), question.getType());
        return answer instanceof RecordIndex.Answer.NotOurs || answer instanceof RecordIndex.Answer.ExternalAlias;
    }

    /** The query in {@code wire}; null when it is not a DNS query worth answering. */
    static Message parse(byte[] wire) {
        try {
            Message query = new Message(wire);
            // A response, not a query: never answer it (no reflection loops between servers).
            return query.getHeader().getFlag(Flags.QR) ? null : query;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * The wire form of the response to {@code query}, addresses in random order ({@link LoadBalance};
     * before the cut, so that a truncated answer holds different addresses each time), cut to what
     * the client can take.
     */
    byte[] answer(Message query, boolean tcp) {
        Message response = respond(query);
        LoadBalance.shuffle(response);
        OPTRecord opt = query.getOPT();
        int limit = tcp ? TCP_MAX : opt == null ? 512 : Math.max(512, Math.min(opt.getPayloadSize(), EDNS_PAYLOAD));
        if (opt != null && response.getOPT() == null) {
            response.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        return Truncation.toWire(response, limit);
    }

    Message respond(Message query) {
        Record question = query.getQuestion();
        if (query.getHeader().getOpcode() != Opcode.QUERY) {
            return error(query, Rcode.NOTIMP);
        }
        if (question == null) {
            return error(query, Rcode.FORMERR);
        }
        RecordIndex current = index.get();
        Name name = question.getName();
        RecordIndex.Answer answer = current.lookup(name, question.getType());
        if (answer instanceof RecordIndex.Answer.NotOurs) {
            // The upstream's answer as it is, flags (RA) included.
            Message upstream = forwarder.forward(query);
            return upstream != null ? upstream : error(query, Rcode.SERVFAIL);
        }
        if (question.getType() == Type.AXFR || question.getType() == Type.IXFR) {
            // The kubernetes plugin serves no zone transfers without the transfer plugin (not in the
            // kubeadm/k3s Corefile): its ServeDNS returns REFUSED.
            return error(query, Rcode.REFUSED);
        }
        Message response = reply(query);
        response.getHeader().setFlag(Flags.AA);
        switch (answer) {
            case RecordIndex.Answer.Records records -> {
                records.records().forEach(r -> response.addRecord(r, Section.ANSWER));
                current.additional(records.records()).forEach(r -> response.addRecord(r, Section.ADDITIONAL));
            }
            case RecordIndex.Answer.ExternalAlias alias -> {
                alias.chain().forEach(r -> response.addRecord(r, Section.ANSWER));
                // When upstream fails the CNAME alone is still the right answer, as before.
                forwarder.resolve(alias.target(), question.getType())
                        .forEach(r -> response.addRecord(r, Section.ANSWER));
            }
            case RecordIndex.Answer.NoData noData -> response.addRecord(current.soaFor(name), Section.AUTHORITY);
            case RecordIndex.Answer.NxDomain nx -> {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
                response.addRecord(current.soaFor(name), Section.AUTHORITY);
            }
            case RecordIndex.Answer.NotOurs notOurs -> throw new IllegalStateException("forwarded above");
        }
        return response;
    }

    /**
     * The reply header as miekg/dns's SetReply makes it for CoreDNS: QR, the opcode, and for a query
     * the RD and CD bits copied. Never RA: the kubernetes plugin is an authoritative answer, not
     * recursion.
     */
    private static Message reply(Message query) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        int opcode = query.getHeader().getOpcode();
        response.getHeader().setOpcode(opcode);
        for (int flag : new int[] {Flags.RD, Flags.CD}) {
            if (opcode == Opcode.QUERY && query.getHeader().getFlag(flag)) {
                response.getHeader().setFlag(flag);
            }
        }
        if (query.getQuestion() != null) {
            response.addRecord(query.getQuestion(), Section.QUESTION);
        }
        return response;
    }

    private static Message error(Message query, int rcode) {
        Message response = reply(query);
        response.getHeader().setRcode(rcode);
        return response;
    }
}
