package io.drover.agent.ports;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the kernel from giving host-port-range ports to outgoing connections and other automatic
 * binds. The kernel picks such ports from the ephemeral range ({@code ip_local_port_range}) only,
 * so a range outside it (the default) needs nothing, and the host's settings are left alone. A
 * range that overlaps it is added to {@code ip_local_reserved_ports} (merged with the list there,
 * since a write replaces it) when the file is writable (root, or a writable /proc/sys); else a
 * warning says that connections may take ports pods need.
 */
public final class PortReservation {
    private static final Logger log = LoggerFactory.getLogger(PortReservation.class);
    public static final Path RESERVED = Path.of("/proc/sys/net/ipv4/ip_local_reserved_ports");
    public static final Path EPHEMERAL = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private final Path reservedFile;
    private final Path ephemeralFile;

    public PortReservation(Path reservedFile, Path ephemeralFile) {
        this.reservedFile = reservedFile;
        this.ephemeralFile = ephemeralFile;
    }

    public static PortReservation system() {
        return new PortReservation(RESERVED, EPHEMERAL);
    }

    /** Makes sure no ephemeral port falls in {@code range}; returns whether that holds now. */
    public boolean reserve(PortRange range) {
        Optional<PortRange> ephemeral = ephemeralRange();
        if (ephemeral.isPresent() && !ephemeral.get().overlaps(range)) {
            return true;
        }
        try {
            String current = read(reservedFile);
            List<PortRange> reserved = parseList(current);
            if (reserved.stream().anyMatch(r -> r.first() <= range.first() && r.last() >= range.last())) {
                return true;
            }
            Files.writeString(reservedFile, current.isEmpty() ? range.toString() : current + "," + range);
            log.info("host port range {} overlaps the ephemeral port range {}: added to {}", range,
                    ephemeral.map(PortRange::toString).orElse("(unknown)"), reservedFile);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            log.warn("host port range {} overlaps the ephemeral port range {} and cannot be reserved in {} ({}): "
                    + "outgoing connections may take ports pods need", range,
                    ephemeral.map(PortRange::toString).orElse("(unknown)"), reservedFile, e.toString());
            return false;
        }
    }

    private Optional<PortRange> ephemeralRange() {
        try {
            String[] parts = read(ephemeralFile).split("\\s+");
            return Optional.of(new PortRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * One read(2) with a large buffer: the kernel's bitmap sysctls answer a read at a non-zero
     * offset with nothing, and {@code Files.readString} of a /proc file (size 0) reads one byte
     * first, which would turn "20000-29999" into "2".
     */
    private static String read(Path file) throws IOException {
        try (InputStream in = new FileInputStream(file.toFile())) {
            byte[] buffer = new byte[65536];
            int n = in.read(buffer);
            return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII).trim();
        }
    }

    /** The kernel's list syntax: {@code 8080,20000-29999}. */
    static List<PortRange> parseList(String text) {
        List<PortRange> ranges = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            ranges.add(p.contains("-") ? PortRange.parse(p) : new PortRange(Integer.parseInt(p), Integer.parseInt(p)));
        }
        return ranges;
    }
}
