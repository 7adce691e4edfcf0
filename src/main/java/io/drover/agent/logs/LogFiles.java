package io.drover.agent.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The log files in one container's directory:
 *
 * <ul>
 *   <li>{@code stdout.raw}, {@code stderr.raw}: what the running task writes, appended by the task
 *       itself (so its output never waits for the agent); {@code raw.offsets}: how far the agent
 *       has copied each of them;
 *   <li>{@code <restartCount>.log}: the CRI-format log of one run, as the kubelet names them;
 *   <li>{@code <restartCount>.log.<seq>}: its rotated parts, oldest first by {@code seq}.
 * </ul>
 */
final class LogFiles {
    static final String STDOUT_RAW = "stdout.raw";
    static final String STDERR_RAW = "stderr.raw";
    static final String OFFSETS = "raw.offsets";
    private static final Pattern RUN_LOG = Pattern.compile("(\\d{1,9})\\.log");
    private static final Pattern ROTATED = Pattern.compile("(\\d{1,9})\\.log\\.(\\d{1,9})");

    private LogFiles() {}

    static Path runLog(Path containerDir, int run) {
        return containerDir.resolve(run + ".log");
    }

    /** The runs that have a log, oldest first. */
    static List<Integer> runs(Path containerDir) {
        List<Integer> runs = new ArrayList<>();
        for (Path p : list(containerDir)) {
            Matcher m = RUN_LOG.matcher(p.getFileName().toString());
            if (m.matches()) {
                runs.add(Integer.parseInt(m.group(1)));
            }
        }
        runs.sort(null);
        return runs;
    }

    /** The rotated parts of {@code runLog}, oldest first. */
    static List<Path> rotated(Path runLog) {
        String run = runLog.getFileName().toString();
        List<Path> parts = new ArrayList<>();
        for (Path p : list(runLog.getParent())) {
            Matcher m = ROTATED.matcher(p.getFileName().toString());
            if (m.matches() && (m.group(1) + ".log").equals(run)) {
                parts.add(p);
            }
        }
        parts.sort((a, b) -> Long.compare(sequence(a), sequence(b)));
        return parts;
    }

    static long sequence(Path rotated) {
        String name = rotated.getFileName().toString();
        return Long.parseLong(name.substring(name.lastIndexOf('.') + 1));
    }

    /** Deletes the log of {@code run} with its rotated parts. */
    static void deleteRun(Path containerDir, int run) throws IOException {
        Path log = runLog(containerDir, run);
        for (Path part : rotated(log)) {
            Files.deleteIfExists(part);
        }
        Files.deleteIfExists(log);
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
