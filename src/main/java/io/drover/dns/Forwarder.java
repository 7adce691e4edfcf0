package io.drover.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;

/**
 * Sends the questions the cluster zone does not own to the host's resolvers, one after the other
 * until one answers (as CoreDNS's forward plugin with {@code policy sequential}), each with a
 * timeout, and hands back their answer with the client's message id. It also completes the
 * ExternalName aliases of the zone ({@link #resolve}), within one timeout in all.
 */
final class Forwarder {
    private final List<SimpleResolver> upstreams;
    private final Duration timeout;

    Forwarder(List<InetSocketAddress> upstreams, Duration timeout) {
        this.timeout = timeout;
        List<SimpleResolver> resolvers = new ArrayList<>();
        for (InetSocketAddress upstream : upstreams) {
            SimpleResolver resolver = new SimpleResolver(upstream);
            resolver.setTimeout(timeout);
            resolvers.add(resolver);
        }
        this.upstreams = List.copyOf(resolvers);
    }

    /** The upstream answer, or null when no upstream answered (the caller says SERVFAIL). */
    Message forward(Message query) {
        Message response = send(query, timeout.multipliedBy(Math.max(1, upstreams.size())));
        if (response != null) {
            response.getHeader().setID(query.getHeader().getID());
        }
        return response;
    }

    /**
     * The upstream records of {@code type} for {@code name} (the answer section: a further CNAME
     * chain and the addresses), as CoreDNS's kubernetes plugin completes an ExternalName with
     * "we can not complete the CNAME, try to look else where". Empty when no upstream answered within
     * one upstream timeout in all, so the client, which waits longer (glibc: 5 s), still gets the
     * CNAME alone.
     */
    List<Record> resolve(Name name, int type) {
        Message response = send(Message.newQuery(Record.newRecord(name, type, DClass.IN)), timeout);
        return response == null || response.getRcode() != Rcode.NOERROR ? List.of()
                : response.getSection(Section.ANSWER);
    }

    /** The first upstream answer within {@code budget}, trying them in turn; null when none answered. */
    private Message send(Message query, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        for (SimpleResolver upstream : upstreams) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            CompletableFuture<Message> answer = upstream.sendAsync(query.clone()).toCompletableFuture();
            try {
                return answer.get(Math.min(left, timeout.toNanos()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // timed out or refused: try the next one
                answer.cancel(true);
            } catch (InterruptedException e) {
                answer.cancel(true);
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /**
     * The {@code nameserver} lines of a resolv.conf, port 53, without {@code exclude} (this
     * server's own address, which must not forward to itself).
     */
    static List<InetSocketAddress> fromResolvConf(Path resolvConf, InetSocketAddress exclude) {
        List<InetSocketAddress> servers = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(resolvConf);
        } catch (IOException e) {
            return servers;
        }
        for (String line : lines) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 2 && fields[0].equals("nameserver")) {
                var address = ServiceRecords.parseAddress(fields[1].replaceFirst("%.*$", ""));
                if (address != null) {
                    InetSocketAddress server = new InetSocketAddress(address, 53);
                    if (!server.equals(exclude)) {
                        servers.add(server);
                    }
                }
            }
        }
        return servers;
    }
}
