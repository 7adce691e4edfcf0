package io.drover.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;
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
 */
public final class Mappers {
    /** Grows to the number of parsers and generators open at once, and no further. */
    private static final RecyclerPool<BufferRecycler> BUFFERS = JsonRecyclerPools.sharedConcurrentDequePool();

    private Mappers() {}

    /** A new JSON mapper (configure it before first use, as any ObjectMapper). */
    public static ObjectMapper json() {
        return new ObjectMapper(JsonFactory.builder().recyclerPool(BUFFERS).build());
    }

    /** A new YAML mapper (YAML request bodies are read by {@link YamlTrees}, which expands aliases). */
    public static YAMLMapper yaml() {
        return new YAMLMapper(yamlFactory().build());
    }

    /** The builder of the YAML factories of {@link #yaml()} and {@link YamlTrees}. */
    static YAMLFactoryBuilder yamlFactory() {
        return YAMLFactory.builder().recyclerPool(BUFFERS);
    }
}
