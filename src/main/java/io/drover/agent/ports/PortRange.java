package io.drover.agent.ports;

/**
 * The host ports the node agent hands out for containerPorts, both ends included.
 *
 * <p>The default, 20000-29999, lies below NodePort's 30000-32767 and below Linux's default
 * ephemeral range (32768-60999), so neither Services nor outgoing connections take its ports.
 */
public record PortRange(int first, int last) {
    public static final PortRange DEFAULT = new PortRange(20000, 29999);

    public PortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("host port range: " + first + "-" + last
                    + " (expected: FIRST-LAST with 1 <= FIRST <= LAST <= 65535)");
        }
    }

    /** Parses {@code FIRST-LAST}, as the command line takes it. */
    public static PortRange parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("-", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("host port range: '" + text + "' (expected: FIRST-LAST, e.g. 20000-29999)");
        }
        try {
            return new PortRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("host port range: '" + text + "' (expected: FIRST-LAST, e.g. 20000-29999)");
        }
    }

    public int size() {
        return last - first + 1;
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    public boolean overlaps(PortRange other) {
        return first <= other.last && other.first <= last;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
