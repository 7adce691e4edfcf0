package io.drover.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Jackson mappers of the server's code. Every parser and generator borrows its buffers
 * (several KiB) from a recycler pool. Jackson's default pool keeps one recycler per thread, which
 * recycles nothing here: API requests, controllers and client callbacks run on virtual threads,
 * a new one per task, so each request allocated its buffers afresh. That was a quarter of a busy
 * server's garbage and so of its GC pauses. One pool shared by all threads hands them back.
 *
 * <p>Two sets of limits. A client's request body is parsed under Jackson's defaults (nesting depth
 * 1,000, names up to 50,000 characters). What the server stores is more than the body: its
 * managedFields repeat the object's structure a few levels deeper ({@code metadata.managedFields[i]
 * .fieldsV1}) and turn values into names (an owner reference's uid becomes the key
 * {@code k:{"uid":"..."}}); lists and watch events wrap objects in two levels more. So everything the
 * server itself reads and writes, stored objects, responses and its own clients, runs under looser
 * limits: any object a request could create must be readable back, or one write would break every
 * list and watch of its kind.
 */
public final class Mappers {
    /** Grows to the number of parsers and generators open at once, and no further. */
    private static final RecyclerPool<BufferRecycler> BUFFERS = JsonRecyclerPools.sharedConcurrentDequePool();

    /** The request's depth (Jackson's default, 1,000) and room for what storing and listing add. */
    private static final int STORED_NESTING_DEPTH = StreamReadConstraints.DEFAULT_MAX_DEPTH + 100;

    private static final StreamReadConstraints STORED_READS = StreamReadConstraints.builder()
            .maxNestingDepth(STORED_NESTING_DEPTH)
            .maxNameLength(Integer.MAX_VALUE) // bounded by what a request may hold (3 MiB)
            .build();
    private static final StreamWriteConstraints STORED_WRITES = StreamWriteConstraints.builder()
            .maxNestingDepth(STORED_NESTING_DEPTH)
            .build();

    private Mappers() {}

    /**
     * A new JSON mapper for what the server stores, answers and reads from its own API (configure it
     * before first use, as any ObjectMapper).
     */
    public static ObjectMapper json() {
        return new ObjectMapper(JsonFactory.builder().recyclerPool(BUFFERS)
                .streamReadConstraints(STORED_READS).streamWriteConstraints(STORED_WRITES).build());
    }

    /**
     * A new JSON mapper for clients' request bodies: Jackson's default limits, and nothing after the
     * value (Go's decoder refuses "invalid character after top-level value").
     */
    public static ObjectMapper requestJson() {
        return new ObjectMapper(JsonFactory.builder().recyclerPool(BUFFERS).build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * A new YAML mapper, under Jackson's default limits (YAML request bodies are read by {@link YamlTrees},
     * which expands aliases).
     */
    public static YAMLMapper yaml() {
        return new YAMLMapper(yamlFactory().build());
    }

    /** The builder of the YAML factories of {@link #yaml()} and {@link YamlTrees}. */
    static YAMLFactoryBuilder yamlFactory() {
        return YAMLFactory.builder().recyclerPool(BUFFERS);
    }
}
