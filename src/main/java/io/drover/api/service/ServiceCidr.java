package io.drover.api.service;

/**
 * An IPv4 range Services take their ClusterIPs from, as kube-apiserver's {@code --service-cluster-ip-range}.
 * The network and broadcast addresses are never handed out (Kubernetes' ipallocator leaves them out too).
 */
public record ServiceCidr(long base, int prefix) {
    /** k3s' default. */
    public static final ServiceCidr DEFAULT = parse("10.43.0.0/16");

    public ServiceCidr {
        if (prefix < 8 || prefix > 30) {
            throw new IllegalArgumentException("service CIDR prefix: /" + prefix + " (expected: /8 to /30)");
        }
        base = base & mask(prefix);
    }

    public static ServiceCidr parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("/", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("service CIDR: '" + text + "' (expected: A.B.C.D/N, e.g. 10.43.0.0/16)");
        }
        long address = toLong(parts[0]);
        int prefix;
        try {
            prefix = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("service CIDR: '" + text + "' (expected: A.B.C.D/N, e.g. 10.43.0.0/16)");
        }
        if (address < 0) {
            throw new IllegalArgumentException("service CIDR: '" + text + "' (expected: A.B.C.D/N, e.g. 10.43.0.0/16)");
        }
        return new ServiceCidr(address, prefix);
    }

    /** The number of addresses Services can have: all but the network and broadcast address. */
    public int size() {
        return (int) ((1L << (32 - prefix)) - 2);
    }

    /** The n-th usable address, 0-based (0 is the range's first address after the network address). */
    public String address(int offset) {
        return toText(base + 1 + offset);
    }

    /** The offset of a usable address of this range; -1 for an address outside it, or not an IPv4 address. */
    public int offset(String ip) {
        long value = toLong(ip);
        long offset = value - base - 1;
        return value < 0 || offset < 0 || offset >= size() ? -1 : (int) offset;
    }

    /**
     * An IPv4 address in the form Go prints a parsed one ("10.43.07.9" is 10.43.7.9, as ParseIPSloppy
     * reads it), so that two spellings of one address are one address; anything else as it is.
     */
    static String canonical(String ip) {
        long value = toLong(ip);
        return value < 0 ? ip : toText(value);
    }

    @Override
    public String toString() {
        return toText(base) + "/" + prefix;
    }

    private static long mask(int prefix) {
        return (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    /** An IPv4 address in dotted form as a number; -1 when it is not one. */
    static long toLong(String ip) {
        String[] octets = ip == null ? new String[0] : ip.split("\\.", -1);
        if (octets.length != 4) {
            return -1;
        }
        long value = 0;
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(Character::isDigit)) {
                return -1;
            }
            int n = Integer.parseInt(octet);
            if (n > 255) {
                return -1;
            }
            value = (value << 8) | n;
        }
        return value;
    }

    static String toText(long value) {
        return ((value >> 24) & 255) + "." + ((value >> 16) & 255) + "." + ((value >> 8) & 255) + "." + (value & 255);
    }
}
