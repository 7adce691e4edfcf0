package io.drover.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.SimpleResolver;

/**
 * Sends the questions the cluster zone does not own to the host's resolvers, one after the other
 * until one answers (as CoreDNS's forward plugin with {@code policy sequential}), each with a
 * timeout, and hands back their answer with the client's message id.
 */
final class Forwarder {
    private final List<SimpleResolver> upstreams;

    Forwarder(List<InetSocketAddress> upstreams, Duration timeout) {
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
        for (SimpleResolver upstream : upstreams) {
            try {
                Message response = upstream.send(query.clone());
                response.getHeader().setID(query.getHeader().getID());
                return response;
            } catch (IOException e) {
                // timed out or refused: try the next one
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
