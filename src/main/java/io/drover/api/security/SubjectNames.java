package io.drover.api.security;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names a client may use to reach the API server on this machine, which the serving
 * certificate must list as subject alternative names for hostname verification to pass.
 */
record SubjectNames(Set<String> dnsNames, Set<InetAddress> addresses) {
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;
    // A host name that is not a DNS name (say "my_box" or an address literal) would make a
    // malformed dNSName entry, which strict clients reject along with the whole certificate.
    private static final Pattern DNS_NAME =
            Pattern.compile("(?i)(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    SubjectNames {
        dnsNames = Set.copyOf(dnsNames);
        addresses = Set.copyOf(addresses);
    }

    /** localhost, the host name, the loopback addresses and every address of the interfaces that are up. */
    static SubjectNames ofThisHost() {
        Set<String> dns = new LinkedHashSet<>(List.of("localhost"));
        hostName().ifPresent(dns::add);
        Set<InetAddress> ips = new LinkedHashSet<>(List.of(literal("127.0.0.1"), literal("::1")));
        ips.addAll(interfaceAddresses());
        return new SubjectNames(dns, ips);
    }

    /**
     * These names and those pods reach the API server by through the {@code default/kubernetes}
     * Service: its ClusterIP and kubernetes[.default[.svc[.cluster.local]]], as kube-apiserver's
     * serving certificate lists them.
     */
    SubjectNames withKubernetesService(InetAddress clusterIp) {
        Set<String> dns = new LinkedHashSet<>(dnsNames);
        dns.addAll(List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local"));
        Set<InetAddress> ips = new LinkedHashSet<>(addresses);
        ips.add(clusterIp);
        return new SubjectNames(dns, ips);
    }

    /** Whether {@code certificate} lists every one of these names. */
    boolean coveredBy(X509Certificate certificate) throws CertificateParsingException {
        Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
        Set<String> certDns = new LinkedHashSet<>();
        Set<InetAddress> certIps = new LinkedHashSet<>();
        for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
            int type = (Integer) san.get(0);
            if (type == SAN_DNS) {
                certDns.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
            } else if (type == SAN_IP) {
                certIps.add(literal((String) san.get(1)));
            }
        }
        return dnsNames.stream().allMatch(name -> certDns.contains(name.toLowerCase(Locale.ROOT)))
                && certIps.containsAll(addresses);
    }

    private static Optional<String> hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return DNS_NAME.matcher(name).matches() ? Optional.of(name) : Optional.empty();
        } catch (UnknownHostException e) {
            // A machine whose own name does not resolve is still reachable by its addresses.
            return Optional.empty();
        }
    }

    private static List<InetAddress> interfaceAddresses() {
        List<InetAddress> result = new ArrayList<>();
        try {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : nic.inetAddresses().toList()) {
                    result.add(withoutScope(address));
                }
            }
        } catch (SocketException e) {
            // Without the interface list the certificate still covers localhost and the host name.
        }
        return result;
    }

    // A certificate's IP entry carries no IPv6 zone (fe80::1%eth0), so compare the bare address.
    private static InetAddress withoutScope(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of " + address.getAddress().length + " bytes (expected: 4 or 16)", e);
        }
    }

    // Parses an address literal; InetAddress does no name lookup for literals.
    private static InetAddress literal(String address) {
        try {
            return withoutScope(InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address: " + address + " (expected: an IP literal)", e);
        }
    }
}
