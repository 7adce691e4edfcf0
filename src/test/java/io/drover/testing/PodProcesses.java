package io.drover.testing;

import io.drover.agent.runtime.TaskHandle;
import io.drover.agent.runtime.process.ProcessRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The pod processes a node agent left running in a data dir (a {@code drover server} leaves its
 * pods to the next agent when it stops), found through the task handles the agent persisted and
 * stopped through the process runtime itself, so a test leaves no process behind.
 */
public final class PodProcesses {
    private PodProcesses() {}

    /** The persisted task handles under {@code DATA_DIR/pods}. */
    public static List<TaskHandle> handles(Path dataDir) {
        Path pods = dataDir.resolve("pods");
        // The agent removes a deleted pod's directory whenever it is done with it, also while this
        // walks the tree: then the walk fails on the vanished directory and is simply done again.
        for (int attempt = 1; ; attempt++) {
            try {
                return walk(pods);
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException) || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static List<TaskHandle> walk(Path pods) {
        if (!Files.isDirectory(pods)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(pods)) {
            return files.filter(f -> f.getFileName().toString().equals("handle.json")).map(PodProcesses::read)
                    .flatMap(Optional::stream).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills every task of every pod persisted under the data dir (no grace: the test is over). */
    public static void stopAll(Path dataDir) {
        ProcessRuntime runtime = ProcessRuntime.create(dataDir.resolve("runtime").resolve("process"));
        for (TaskHandle handle : handles(dataDir)) {
            try {
                runtime.destroy(handle);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The handle in the file; empty when the file went since the walk listed it. */
    private static Optional<TaskHandle> read(Path file) {
        try {
            return Optional.of(TaskHandle.fromJson(Files.readString(file)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
