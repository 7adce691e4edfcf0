package io.drover.agent.ports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the kernel from giving the host-port range to outgoing connections and other automatic
 * binds: the range is added to {@code ip_local_reserved_ports} (merged with what is there, since a
 * write replaces the list) when the file is writable (root, or a writable /proc/sys in a
 * container). The default range lies outside the ephemeral range anyway; the reservation matters
 * when a user picks a range inside it, or an administrator widens the ephemeral range later.
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

    /** Reserves {@code range}; returns whether it is reserved now. Logs once when it cannot be. */
    public boolean reserve(PortRange range) {
        Optional<PortRange> ephemeral = ephemeralRange();
        try {
            String current = Files.readString(reservedFile).trim();
            List<PortRange> reserved = parseList(current);
            if (reserved.stream().anyMatch(r -> r.first() <= range.first() && r.last() >= range.last())) {
                return true;
            }
            Files.writeString(reservedFile, current.isEmpty() ? range.toString() : current + "," + range);
            log.info("host port range {} added to {}", range, reservedFile);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            if (ephemeral.isPresent() && ephemeral.get().overlaps(range)) {
                log.warn("host port range {} overlaps the ephemeral port range {} and cannot be reserved in {} ({}): "
                        + "outgoing connections may take ports pods need", range, ephemeral.get(), reservedFile, e);
            } else {
                log.info("host port range {} not reserved in {} ({}); it is outside the ephemeral port range {}",
                        range, reservedFile, e.toString(), ephemeral.map(PortRange::toString).orElse("(unknown)"));
            }
            return false;
        }
    }

    private Optional<PortRange> ephemeralRange() {
        try {
            String[] parts = Files.readString(ephemeralFile).trim().split("\\s+");
            return Optional.of(new PortRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
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
