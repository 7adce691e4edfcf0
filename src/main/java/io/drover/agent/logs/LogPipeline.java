package io.drover.agent.logs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent's container logs: per-run CRI logs with per-line timestamps and size rotation,
 * made from the raw output the tasks append themselves.
 *
 * <p>Why a task writes raw files and the agent copies them, rather than the agent reading the
 * task's output through a pipe or FIFO: a pipe dies with the agent, and a FIFO blocks the task
 * once nobody reads it, so an agent restart would kill or stall every workload. With files the
 * task never waits for the agent; the price is that lines written while no agent runs get the time
 * the next agent reads them, and that stdout and stderr lines read in the same pass are ordered
 * stdout first.
 *
 * <p>Lifecycle per container directory: {@link #prepareRun} before the task starts (names the raw
 * files for its {@code TaskSpec}), {@link #follow} once it runs or was adopted (a {@link LogPump}
 * on a virtual thread, woken by inotify through a {@link WatchService}, with a one second poll as
 * a safety net), {@link #ended} once it ended (the rest is copied and the raw files removed).
 * {@link #close} stops the pumps without ending the runs, so the next agent resumes them.
 */
public final class LogPipeline implements AutoCloseable {
    /** kubelet's containerLogMaxSize and containerLogMaxFiles defaults. */
    public static final long DEFAULT_MAX_SIZE = 10L << 20;
    public static final int DEFAULT_MAX_FILES = 5;
    private static final long POLL_MILLIS = 1000;
    private static final Logger log = LoggerFactory.getLogger(LogPipeline.class);

    /** The raw files a run's task appends its output to. */
    public record RunFiles(Path stdout, Path stderr) {}

    private final Clock clock;
    private final long maxSize;
    private final int maxFiles;
    private final WatchService watcher;
    private final Map<Path, Follower> followers = new ConcurrentHashMap<>();
    private Thread watchThread;
    private volatile boolean closed;

    /** A pump and the thread that drives it. */
    private static final class Follower {
        final LogPump pump;
        final Semaphore wake = new Semaphore(0);
        WatchKey key;
        Thread thread;
        volatile boolean stop;

        Follower(LogPump pump) {
            this.pump = pump;
        }
    }

    private LogPipeline(Clock clock, long maxSize, int maxFiles, WatchService watcher) {
        this.clock = clock;
        this.maxSize = maxSize;
        this.maxFiles = maxFiles;
        this.watcher = watcher;
    }

    /** Starts a pipeline rotating run logs at {@code maxSize} bytes, keeping {@code maxFiles} files per run. */
    public static LogPipeline start(Clock clock, long maxSize, int maxFiles) throws IOException {
        LogPipeline pipeline = new LogPipeline(clock, maxSize, maxFiles, FileSystems.getDefault().newWatchService());
        pipeline.watchThread = Thread.ofVirtual().name("log-watch").start(pipeline::watchLoop);
        return pipeline;
    }

    /**
     * Prepares run {@code run} (the container's restart count) of a container: copies what a
     * previous run left uncopied into that run's log, creates this run's log, and removes the logs
     * of runs before the previous one (Kubernetes keeps the current and the last dead container).
     */
    public RunFiles prepareRun(Path containerDir, int run) throws IOException {
        Files.createDirectories(containerDir);
        ended(containerDir);
        List<Integer> runs = LogFiles.runs(containerDir);
        int previous = runs.stream().filter(r -> r < run).reduce((a, b) -> b).orElse(-1);
        for (int r : runs) {
            if (r < previous) {
                LogFiles.deleteRun(containerDir, r);
            }
        }
        Path runLog = LogFiles.runLog(containerDir, run);
        if (!Files.exists(runLog)) {
            Files.createFile(runLog);
        }
        return new RunFiles(containerDir.resolve(LogFiles.STDOUT_RAW), containerDir.resolve(LogFiles.STDERR_RAW));
    }

    /** Starts copying the newest run's output as it comes (a started or an adopted task). */
    public void follow(Path containerDir) throws IOException {
        if (closed || followers.containsKey(containerDir)) {
            return;
        }
        Follower f = new Follower(newestPump(containerDir));
        followers.put(containerDir, f);
        try {
            f.key = containerDir.register(watcher, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_CREATE);
        } catch (IOException e) {
            log.warn("cannot watch {} ({}); polling it every {} ms", containerDir, e.toString(), POLL_MILLIS);
        }
        f.thread = Thread.ofVirtual().name("log-pump-" + containerDir.getFileName()).start(() -> pumpLoop(f));
    }

    /** The newest run's task ended: copies the rest of its output and removes the raw files. */
    public void ended(Path containerDir) throws IOException {
        Follower f = followers.get(containerDir);
        if (f != null) {
            // Stays registered until finished, so a follower reads the last records before it ends.
            stop(f);
            try {
                f.pump.finish();
            } finally {
                followers.remove(containerDir, f);
            }
            return;
        }
        if (Files.exists(containerDir.resolve(LogFiles.STDOUT_RAW)) || Files.exists(containerDir.resolve(LogFiles.STDERR_RAW))) {
            newestPump(containerDir).finish(); // ended while no agent copied it
        }
    }

    /** The runs of a container that have a log, oldest first. */
    public List<Integer> runs(Path containerDir) {
        return LogFiles.runs(containerDir);
    }

    /** Writes the selected part of a run's log to {@code out}, following it when asked. */
    public void read(Path containerDir, int run, LogOptions options, OutputStream out)
            throws IOException, InterruptedException {
        Path runLog = LogFiles.runLog(containerDir, run);
        LogReader.copy(runLog, options, new LogReader.Progress() {
            @Override
            public boolean live() {
                Follower f = followers.get(containerDir);
                return f != null && f.pump.runLog().equals(runLog) && !f.pump.finished();
            }

            @Override
            public void awaitChange(long millis) throws InterruptedException {
                Follower f = followers.get(containerDir);
                if (f != null) {
                    f.pump.awaitChange(millis);
                }
            }
        }, out);
    }

    private LogPump newestPump(Path containerDir) throws IOException {
        List<Integer> runs = LogFiles.runs(containerDir);
        int run = runs.isEmpty() ? 0 : runs.get(runs.size() - 1);
        return new LogPump(containerDir, LogFiles.runLog(containerDir, run), clock, maxSize, maxFiles);
    }

    private void pumpLoop(Follower f) {
        while (!f.stop) {
            try {
                f.pump.drain(false);
                f.wake.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS);
                f.wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | UncheckedIOException e) {
                log.warn("copying the output into {} failed: {}", f.pump.runLog(), e.toString());
                try {
                    f.wake.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void watchLoop() {
        while (!closed) {
            WatchKey key;
            try {
                key = watcher.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            Follower f = followers.get((Path) key.watchable());
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    followers.values().forEach(each -> each.wake.release());
                } else if (f != null && isRaw(event.context())) {
                    f.wake.release();
                }
            }
            key.reset();
        }
    }

    private static boolean isRaw(Object name) {
        String file = name.toString();
        return file.equals(LogFiles.STDOUT_RAW) || file.equals(LogFiles.STDERR_RAW);
    }

    private static void stop(Follower f) {
        f.stop = true;
        f.wake.release();
        if (f.key != null) {
            f.key.cancel();
        }
        try {
            f.thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops copying; the runs go on, and the next agent resumes copying where this one stopped. */
    @Override
    public void close() {
        closed = true;
        for (Path dir : List.copyOf(followers.keySet())) {
            Follower f = followers.remove(dir);
            if (f != null) {
                stop(f);
                f.pump.detach();
            }
        }
        try {
            watcher.close();
        } catch (IOException e) {
            log.warn("closing the log watcher failed: {}", e.toString());
        }
        if (watchThread != null) {
            watchThread.interrupt();
        }
    }
}
