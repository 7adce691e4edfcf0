package io.drover.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards new TCP connections to ClusterIPs in the kernel with nftables DNAT, as kube-proxy's
 * nftables mode does, so that requests through a Service never wait for the server's JVM (its CPU
 * share, its collections, its safepoints). The userspace listener on the same ClusterIP:port stays
 * open underneath: a Service port with no endpoint, or one whose rule could not be written, is
 * served by it as before.
 *
 * <p>One table per service CIDR ({@code ip drover_<cidr>}) with a verdict map from ClusterIP and
 * port to a chain per Service port, which holds one rule: {@code meta l4proto tcp dnat ip to numgen inc mod N map
 * {...}} (round robin). Each change is one {@code nft -f -} transaction, atomic in the kernel, and
 * it runs on the proxy's sync thread, so the applied revision the proxy acknowledges covers it.
 * Connections already established keep their conntrack entry, and with it their endpoint, until
 * they close: a removed endpoint gets no new connection while the old ones finish.
 *
 * <p>Traffic from this host's processes passes the output hook, traffic from local bridges
 * (containers) the prerouting hook. A connection to an endpoint on another machine is masqueraded
 * (its source, a ClusterIP here, means nothing there).
 */
final class KernelForwarding implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KernelForwarding.class);
    private static final long NFT_TIMEOUT_SECONDS = 10;

    private final String table;
    private final String cidr;
    /** The endpoints each forwarded ClusterIP port is forwarded to now, in the kernel. */
    private final Map<ListenerKey, List<InetSocketAddress>> forwarded = new HashMap<>();

    private KernelForwarding(String table, String cidr) {
        this.table = table;
        this.cidr = cidr;
    }

    /**
     * Creates the table for this service CIDR, replacing one a crashed proxy left; null (logged) where
     * nftables cannot be used: no {@code nft}, no privilege, no nf_tables in the kernel.
     */
    static KernelForwarding open(String cidr) {
        KernelForwarding forwarding = new KernelForwarding(tableName(cidr), cidr);
        // "add" first so that the delete of a table that is not there cannot fail the transaction.
        String failure = nft("add table ip " + forwarding.table + "\n"
                + "delete table ip " + forwarding.table + "\n"
                + forwarding.tableDefinition());
        if (failure != null) {
            log.warn("service CIDR {}: nftables cannot be used ({}); the proxy relays ClusterIP connections itself",
                    cidr, failure);
            return null;
        }
        log.info("service CIDR {}: TCP ClusterIP connections are forwarded by the kernel (nftables table ip {})",
                cidr, forwarding.table);
        return forwarding;
    }

    /**
     * Removes the table a proxy in nftables mode left for this CIDR when it died, so that a proxy
     * started without kernel forwarding is not bypassed by stale rules; nothing where there is none
     * or nft cannot run.
     */
    static void removeLeftover(String cidr) {
        String table = tableName(cidr);
        // "add" first, so that one transaction removes the table whether or not it is there.
        String failure = nft("add table ip " + table + "\ndelete table ip " + table + "\n");
        if (failure != null) {
            log.debug("service CIDR {}: no nftables table ip {} removed: {}", cidr, table, failure);
        }
    }

    private static String tableName(String cidr) {
        return "drover_" + cidr.replaceAll("[./]", "_");
    }

    /** The kernel's table: an empty dispatch map, and the hooks that consult it for the service CIDR. */
    private String tableDefinition() {
        return "table ip " + table + " {\n"
                + "  map services { type ipv4_addr . inet_service : verdict; }\n"
                + "  chain dispatch { ip daddr . tcp dport vmap @services; }\n"
                // Numeric priorities: nft before 1.0.7 refuses "dstnat" in the output hook.
                + "  chain output { type nat hook output priority -100; policy accept; ip daddr " + cidr
                + " jump dispatch; }\n"
                + "  chain prerouting { type nat hook prerouting priority -100; policy accept; ip daddr " + cidr
                + " jump dispatch; }\n"
                + "  chain postrouting { type nat hook postrouting priority 100; policy accept; ip saddr " + cidr
                + " ct status dnat oif != \"lo\" masquerade; }\n"
                + "}\n";
    }

    /**
     * Forwards each ClusterIP port in {@code ports} to its endpoints (round robin), or stops
     * forwarding it when its list is empty, in one transaction; ports not named are left as they are.
     * When nft refuses, the transaction changed nothing: it is logged, and those ports are taken out
     * of the kernel so that the userspace listener serves them.
     */
    void apply(Map<ListenerKey, List<InetSocketAddress>> ports) {
        StringBuilder transaction = new StringBuilder();
        Map<ListenerKey, List<InetSocketAddress>> changed = new HashMap<>();
        ports.forEach((port, endpoints) -> {
            List<InetSocketAddress> current = forwarded.getOrDefault(port, List.of());
            if (current.equals(endpoints)) {
                return;
            }
            changed.put(port, endpoints);
            String chain = table + " " + chainName(port);
            if (endpoints.isEmpty()) {
                transaction.append(removal(port));
            } else {
                transaction.append("add chain ip ").append(chain).append("\nflush chain ip ").append(chain)
                        .append("\nadd rule ip ").append(chain).append(' ').append(dnat(endpoints)).append('\n');
                if (current.isEmpty()) {
                    transaction.append("add element ip ").append(table).append(" services { ").append(element(port))
                            .append(" : goto ").append(chainName(port)).append(" }\n");
                }
            }
        });
        if (changed.isEmpty()) {
            return;
        }
        String failure = nft(transaction.toString());
        if (failure != null) {
            log.warn("nftables: {} (ports {}); leaving them to the userspace proxy", failure, changed.keySet());
            stopForwarding(changed.keySet());
            return;
        }
        changed.forEach((port, endpoints) -> {
            if (endpoints.isEmpty()) {
                forwarded.remove(port);
            } else {
                forwarded.put(port, List.copyOf(endpoints));
            }
        });
    }

    /** Best effort, port by port: a port whose removal fails stays recorded, and is retried next time. */
    private void stopForwarding(Iterable<ListenerKey> ports) {
        for (ListenerKey port : ports) {
            if (forwarded.containsKey(port) && nft(removal(port)) == null) {
                forwarded.remove(port);
            }
        }
    }

    /** The statements that take a forwarded port out of the kernel: its map element, then its chain. */
    private String removal(ListenerKey port) {
        return "delete element ip " + table + " services { " + element(port) + " }\n"
                + "delete chain ip " + table + " " + chainName(port) + "\n";
    }

    private static String element(ListenerKey port) {
        return port.address().getHostAddress() + " . " + port.port();
    }

    static String dnat(List<InetSocketAddress> endpoints) {
        StringJoiner map = new StringJoiner(", ", "{ ", " }");
        for (int i = 0; i < endpoints.size(); i++) {
            InetSocketAddress endpoint = endpoints.get(i);
            map.add(i + " : " + endpoint.getAddress().getHostAddress() + " . " + endpoint.getPort());
        }
        return "meta l4proto tcp dnat ip to numgen inc mod " + endpoints.size() + " map " + map;
    }

    static String chainName(ListenerKey port) {
        return "svc_" + port.address().getHostAddress().replace('.', '_') + "_" + port.port();
    }

    /** Whether the kernel forwards this ClusterIP port now. */
    boolean forwards(ListenerKey port) {
        return forwarded.containsKey(port);
    }

    @Override
    public void close() {
        String failure = nft("delete table ip " + table + "\n");
        if (failure != null) {
            log.warn("nftables: removing table ip {} failed: {}", table, failure);
        }
        forwarded.clear();
    }

    /** Runs one nft transaction from standard input; null on success, else what nft said. */
    static String nft(String transaction) {
        List<String> command = new ArrayList<>(List.of("nft", "-f", "-"));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(transaction.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(NFT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "nft did not finish within " + NFT_TIMEOUT_SECONDS + " s";
            }
            return process.exitValue() == 0 ? null : (out.isEmpty() ? "nft exited " + process.exitValue() : out);
        } catch (IOException e) {
            return "nft: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
