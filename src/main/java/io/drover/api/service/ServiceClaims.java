package io.drover.api.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceType;
import io.drover.store.ConflictException;
import io.drover.store.KeyExistsException;
import io.drover.store.KeyValue;
import io.drover.store.Store;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Store-level reservations of ClusterIPs and NodePorts, so that API servers sharing one store cannot
 * hand out one value twice (Kubernetes' IPAddress objects of the MultiCIDRServiceAllocator, for
 * NodePorts too).
 *
 * <p>Before a Service that takes a new value is written, {@link #take} creates the key
 * {@code /drover/allocations/<kind>/<value>} naming the Service; {@link #confirm} marks it once the
 * Service is stored. An existing key is the value of another Service while:
 * <ul>
 *   <li>the Service it names holds the value, read fresh (whatever its uid: of two racing creates of
 *       one name, the key may name the loser); or
 *   <li>it is unconfirmed and younger than {@link #GRACE}: a create still in flight on some server.
 * </ul>
 * Otherwise its Service was deleted or let the value go, or its create failed or was cut short, and
 * the key is taken over with a compare-and-swap on its revision, so of two servers racing for it one
 * wins and the other moves on. Nothing has to be released on delete: a confirmed key whose Service
 * no longer holds the value is free at once.
 *
 * <p>Why this is safe: a Service is written at most {@link #GRACE}/2 after its first claim (the
 * writer checks before writing), so a checker that finds an unconfirmed claim old enough reads the
 * named Service after its write, and a confirmed claim was only confirmed after it. Values held by
 * Services stored before any claim existed (an upgrade) are seen in the list of stored Services
 * that every allocation starts from. Servers' clocks must agree to well within the grace period.
 */
public final class ServiceClaims {
    /** How long an unconfirmed claim keeps its value from others: a create in flight. */
    static final Duration GRACE = Duration.ofSeconds(60);

    private static final String PREFIX = "/drover/allocations/";

    /** What is claimed; the name is the key segment. */
    enum Kind {
        CLUSTER_IP("clusterips"),
        NODE_PORT("nodeports");

        private final String segment;

        Kind(String segment) {
            this.segment = segment;
        }
    }

    /**
     * A key this server holds, at the revision it wrote it.
     *
     * @param releasable whether giving it back is safe: not when it was taken over from a claim of the
     *     same Service name, whose create (on another server, or an earlier one) may be the one that
     *     ends up stored with the value
     */
    record Claim(String key, String service, Instant at, long modRevision, boolean releasable) {}

    private final Store store;
    private final ObjectMapper json;
    private final Clock clock;

    public ServiceClaims(Store store, ObjectMapper json, Clock clock) {
        this.store = store;
        this.json = json;
        this.clock = clock;
    }

    static String key(Kind kind, String value) {
        return PREFIX + kind.segment + "/" + value;
    }

    /**
     * Claims {@code value} for the Service {@code namespace/name} (of resource {@code services});
     * empty when another Service has it or another server won the race for it.
     */
    Optional<Claim> take(Kind kind, String value, ResourceType services, String namespace, String name) {
        String key = key(kind, value);
        String owner = namespace + "/" + name;
        Instant now = clock.instant();
        byte[] record = encode(owner, now, false);
        try {
            return Optional.of(new Claim(key, owner, now, store.create(key, record).modRevision(), true));
        } catch (KeyExistsException e) {
            // Someone holds or held it: decide below.
        }
        Optional<KeyValue> current = store.get(key);
        if (current.isEmpty()) {
            // Released between our create and read: one more create, and a loser of that race moves on.
            try {
                return Optional.of(new Claim(key, owner, now, store.create(key, record).modRevision(), true));
            } catch (KeyExistsException e) {
                return Optional.empty();
            }
        }
        KeyValue kv = current.get();
        Record held = decode(kv.value());
        boolean sameName = held.service().equals(owner);
        if (!sameName) {
            if (!held.confirmed() && held.at().plus(GRACE).isAfter(now)) {
                return Optional.empty();
            }
            if (heldByNamedService(held.service(), services, kind, value)) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(new Claim(key, owner, now, store.update(key, record, kv.modRevision()).modRevision(),
                    !sameName));
        } catch (ConflictException e) {
            return Optional.empty();
        }
    }

    /** Marks the claim as held by its stored Service. Lost to a takeover: nothing to do. */
    void confirm(Claim claim) {
        try {
            store.update(claim.key(), encode(claim.service(), claim.at(), true), claim.modRevision());
        } catch (ConflictException e) {
            // Only a create of the same name takes over an unconfirmed young claim; the winner's check
            // reads the stored Service, so nothing is lost.
        }
    }

    /**
     * Gives a claim back after the write it was for failed, when that is safe; otherwise it stays
     * unconfirmed and lapses after {@link #GRACE}. Lost to a takeover: nothing to do.
     */
    void release(Claim claim) {
        if (!claim.releasable()) {
            return;
        }
        try {
            store.delete(claim.key(), claim.modRevision());
        } catch (ConflictException e) {
            // Taken over already.
        }
    }

    /** Whether the claim is still young enough for its Service to be written now (see the class comment). */
    boolean fresh(Claim claim) {
        return claim.at().plus(GRACE.dividedBy(2)).isAfter(clock.instant());
    }

    private boolean heldByNamedService(String service, ResourceType services, Kind kind, String value) {
        int slash = service.indexOf('/');
        if (slash < 0) {
            return false;
        }
        Optional<KeyValue> stored = store.get(services.storageKey(service.substring(0, slash),
                service.substring(slash + 1)));
        if (stored.isEmpty()) {
            return false;
        }
        try {
            HeldValues values = HeldValues.of(json.readTree(stored.get().value()));
            return kind == Kind.CLUSTER_IP ? values.ips().contains(value)
                    : values.ports().contains(Integer.parseInt(value));
        } catch (IOException e) {
            throw ApiException.internal("stored Service " + service + " is not valid JSON: " + e.getMessage());
        }
    }

    private record Record(String service, Instant at, boolean confirmed) {}

    private byte[] encode(String service, Instant at, boolean confirmed) {
        ObjectNode node = json.createObjectNode().put("service", service).put("claimedAt", at.toString())
                .put("confirmed", confirmed);
        return node.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** An unreadable record names no Service and is old: it is taken over. */
    private Record decode(byte[] value) {
        try {
            JsonNode node = json.readTree(value);
            return new Record(node.path("service").asText(""), Instant.parse(node.path("claimedAt").asText()),
                    node.path("confirmed").asBoolean(false));
        } catch (IOException | DateTimeParseException e) {
            return new Record("", Instant.EPOCH, true);
        }
    }
}
