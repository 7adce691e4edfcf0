package io.drover.agent;

import io.drover.agent.runtime.TaskHandle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The agent's files for its pods: {@code <root>/<namespace>_<name>_<uid>/<container>/} holds the
 * container's logs (one per run, see {@link io.drover.agent.logs.LogPipeline}) and its persisted
 * task handle ({@code handle.json}), from which a restarted agent adopts the task.
 */
final class PodFiles {
    static final String HANDLE = "handle.json";

    private final Path root;

    PodFiles(Path root) {
        this.root = root;
    }

    Path podDir(String namespace, String name, String uid) {
        return root.resolve(namespace + "_" + name + "_" + uid);
    }

    Path containerDir(String namespace, String name, String uid, String container) {
        return podDir(namespace, name, uid).resolve(container);
    }

    void saveHandle(Path containerDir, TaskHandle handle) {
        try {
            Files.createDirectories(containerDir);
            Path tmp = containerDir.resolve(HANDLE + ".tmp");
            Files.writeString(tmp, handle.toJson());
            Files.move(tmp, containerDir.resolve(HANDLE), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<TaskHandle> loadHandle(Path containerDir) {
        try {
            return Optional.of(TaskHandle.fromJson(Files.readString(containerDir.resolve(HANDLE))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    void deleteHandle(Path containerDir) {
        try {
            Files.deleteIfExists(containerDir.resolve(HANDLE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pod directories present, whatever pods they belonged to. */
    List<Path> podDirs() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The persisted handles under a pod directory. */
    static List<TaskHandle> handlesIn(Path podDir) {
        List<TaskHandle> handles = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(podDir)) {
            for (Path dir : dirs.toList()) {
                Path file = dir.resolve(HANDLE);
                if (Files.isRegularFile(file)) {
                    try {
                        handles.add(TaskHandle.fromJson(Files.readString(file)));
                    } catch (IOException | IllegalArgumentException e) {
                        // unreadable: nothing to adopt
                    }
                }
            }
        } catch (IOException e) {
            return handles;
        }
        return handles;
    }

    /** The names of the container directories under a pod directory. */
    static List<String> containerNamesIn(Path podDir) {
        try (Stream<Path> dirs = Files.list(podDir)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The uid part of a pod directory's name. */
    static String uidOf(Path podDir) {
        String name = podDir.getFileName().toString();
        return name.substring(name.lastIndexOf('_') + 1);
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
