package io.drover.proxy;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes ClusterIPs addresses this machine can listen on.
 *
 * <p>As root: one {@code local} route for the whole service CIDR on lo ({@code ip route add local
 * 10.43.0.0/16 dev lo}), the "AnyIP" trick: every address in the range is then local, so the proxy
 * binds each ClusterIP itself and host processes and containers on the host network reach it, with
 * no interface to create per Service (dummy interfaces need a kernel module containers often
 * lack). A route found already there (another drover on this machine, or one that crashed) is used
 * and left alone on close; only a route this proxy added is removed.
 *
 * <p>Rootless (or without {@code ip}): the proxy listens on the ClusterIP's twin in 127.0.0.0/8,
 * the same address with its first octet replaced by 127 (10.43.0.10 becomes 127.43.0.10), which
 * Linux routes to loopback without any setup. The Service keeps its allocated clusterIP.
 */
final class ServiceAddresses implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceAddresses.class);

    private final String cidr;
    private final boolean routed;
    private final boolean ownsRoute;

    private ServiceAddresses(String cidr, boolean routed, boolean ownsRoute) {
        this.cidr = cidr;
        this.routed = routed;
        this.ownsRoute = ownsRoute;
    }

    /** Sets up the service CIDR (a.b.c.d/n with n >= 8): a local route when it can, loopback twins otherwise. */
    static ServiceAddresses setUp(String cidr) {
        String[] parts = cidr.split("/");
        if (parts.length != 2 || Integer.parseInt(parts[1]) < 8 || Integer.parseInt(parts[1]) > 32) {
            throw new IllegalArgumentException("service CIDR: " + cidr + " (expected: an IPv4 a.b.c.d/n, n 8-32)");
        }
        if (routeExists(cidr)) {
            log.info("service CIDR {}: using the local route already on lo", cidr);
            return new ServiceAddresses(cidr, true, false);
        }
        String failure = ip("route", "add", "local", cidr, "dev", "lo");
        if (failure == null) {
            log.info("service CIDR {}: added a local route on lo; ClusterIPs are reachable as they are", cidr);
            return new ServiceAddresses(cidr, true, true);
        }
        log.warn("service CIDR {}: cannot add a local route ({}); the proxy listens on 127.x twins of ClusterIPs "
                + "(10.43.0.10 -> 127.43.0.10)", cidr, failure);
        return new ServiceAddresses(cidr, false, false);
    }

    /** Whether ClusterIPs are served as they are (true) or on their 127.x twins (false). */
    boolean routed() {
        return routed;
    }

    /** The address the proxy listens on for a Service with this clusterIP. */
    InetAddress listenAddress(String clusterIp) throws UnknownHostException {
        InetAddress address = InetAddress.getByName(clusterIp);
        byte[] bytes = address.getAddress();
        if (routed || bytes.length != 4 || bytes[0] == 127) {
            return address;
        }
        bytes[0] = 127;
        return InetAddress.getByAddress(bytes);
    }

    /** This IPv4 literal as an address (never a name lookup); null for anything else. */
    static InetAddress ipv4(String ip) {
        if (!NetUtil.isValidIpV4Address(ip)) {
            return null;
        }
        try {
            return InetAddress.getByAddress(NetUtil.createByteArrayFromIpAddressString(ip));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Whether this machine can listen on the address: a probe binds a UDP socket to it on a port the
     * kernel picks, so a port in use does not matter and an address on a local route (the service
     * CIDR's, loopback) counts as well as an interface's. Binding an address that is not local fails
     * ("Cannot assign requested address").
     */
    static boolean local(InetAddress address) {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(address, 0))) {
            return true;
        } catch (SocketException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (ownsRoute) {
            String failure = ip("route", "del", "local", cidr, "dev", "lo");
            if (failure != null) {
                log.warn("service CIDR {}: removing the local route failed: {}", cidr, failure);
            }
        }
    }

    static boolean routeExists(String cidr) {
        try {
            Process process = new ProcessBuilder("ip", "route", "show", "table", "local", cidr)
                    .redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor() == 0 && out.contains(cidr.split("/")[0]);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code ip} with these arguments; null on success, else what went wrong. */
    private static String ip(String... args) {
        try {
            Process process = new ProcessBuilder(concat(args)).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.waitFor() == 0 ? null : out;
        } catch (IOException e) {
            return "ip: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static List<String> concat(String... args) {
        java.util.ArrayList<String> command = new java.util.ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        return command;
    }
}
