package io.drover.testing;

import io.drover.agent.runtime.TaskHandle;
import io.drover.agent.runtime.process.ProcessRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        if (!Files.isDirectory(pods)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(pods)) {
            return files.filter(f -> f.getFileName().toString().equals("handle.json")).map(PodProcesses::read)
                    .toList();
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

    private static TaskHandle read(Path file) {
        try {
            return TaskHandle.fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
