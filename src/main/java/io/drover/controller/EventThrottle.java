package io.drover.controller;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What client-go's EventCorrelator does to an Event before it is written, besides counting
 * repeats: the EventAggregator, which turns the 10th distinct message of the same reason about one
 * object within 10 minutes into one "(combined from similar events): ..." Event, and the
 * EventSourceObjectSpamFilter, a token bucket per source and object (25 Events, then one every
 * 5 minutes) that drops the rest. A scale-up of 1,000 replicas writes a few dozen Events, not 1,000.
 * One per recorder (the source), not thread-safe on its own: the recorder holds its lock.
 */
final class EventThrottle {
    static final int AGGREGATE_MAX_EVENTS = 10;
    static final Duration AGGREGATE_INTERVAL = Duration.ofSeconds(600);
    static final int SPAM_BURST = 25;
    static final double SPAM_PER_SECOND = 1.0 / 300;
    static final String COMBINED = "(combined from similar events): ";
    private static final int MAX_ENTRIES = 4096;

    /** Everything about one object an Event is keyed on, the source (this recorder) aside. */
    record ObjectKey(String apiVersion, String kind, String namespace, String name, String uid) {}

    private record AggregateKey(ObjectKey object, String type, String reason) {}

    private static final class Aggregate {
        final Set<String> messages = new HashSet<>();
        Instant last;
    }

    private static final class Bucket {
        double tokens = SPAM_BURST;
        Instant refilled;
    }

    private final Map<AggregateKey, Aggregate> aggregates = lru();
    private final Map<ObjectKey, Bucket> buckets = lru();

    /**
     * EventAggregate: the message the Event is written with, the combined one once this is the
     * 10th distinct message of its reason about the object in the interval.
     */
    String message(ObjectKey object, String type, String reason, String message, Instant now) {
        AggregateKey key = new AggregateKey(object, type, reason);
        Aggregate aggregate = aggregates.get(key);
        if (aggregate == null || Duration.between(aggregate.last, now).compareTo(AGGREGATE_INTERVAL) > 0) {
            aggregate = new Aggregate();
            aggregates.put(key, aggregate);
        }
        aggregate.messages.add(message);
        aggregate.last = now;
        if (aggregate.messages.size() < AGGREGATE_MAX_EVENTS) {
            return message;
        }
        aggregate.messages.remove(aggregate.messages.iterator().next()); // as sets.String's PopAny
        return COMBINED + message;
    }

    /** The spam filter: whether an Event about the object may be written now (takes a token if so). */
    boolean tryAccept(ObjectKey object, Instant now) {
        Bucket bucket = buckets.computeIfAbsent(object, o -> new Bucket());
        if (bucket.refilled != null) {
            double seconds = Duration.between(bucket.refilled, now).toNanos() / 1e9;
            bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + Math.max(0, seconds) * SPAM_PER_SECOND);
        }
        bucket.refilled = now;
        if (bucket.tokens < 1) {
            return false;
        }
        bucket.tokens -= 1;
        return true;
    }

    /** An access-ordered map of the 4,096 entries used last, as client-go's caches of events (groupcache's lru). */
    static <K, V> Map<K, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > MAX_ENTRIES;
            }
        };
    }
}
