package io.drover.agent.runtime.process;

import io.drover.agent.runtime.Pty;
import io.drover.agent.runtime.TaskHandle;
import io.drover.agent.runtime.TaskStreams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One attachment to a process task ({@link ProcessRuntime#attach}).
 *
 * <p>Output: the task's stdout and stderr are files (its run's raw output), so attaching opens
 * them anew and reads on from their current end, as {@code tail -f} does, every {@value
 * ProcessRuntime#POLL_MILLIS} ms while nothing new is there. A stream ends once the task ended and
 * everything it wrote was read, or when the attachment closes. The log pump frees the disk blocks
 * of output it has copied; an attached client more than that far behind (megabytes) would read
 * zeros there.
 *
 * <p>Input: the task's stdin FIFO, written by a platform thread of the attachment's own
 * ({@link FifoWriter}), so a write that blocks on a full FIFO (a task that does not read) slows the
 * client. Closing the attachment takes no more input, but what was taken still reaches a task that
 * reads it within {@link #DETACH_STDIN_WAIT}; past that the writer's thread is interrupted.
 */
final class ProcessAttachment implements TaskStreams {
    /**
     * How long input written before a detach may wait for the task to read it: a task that does not
     * read its stdin holds the writer's thread no longer.
     */
    static final Duration DETACH_STDIN_WAIT = Duration.ofSeconds(5);

    private final TaskHandle handle;
    private final boolean stdinOnce;
    private final boolean tty;
    private final BooleanSupplier running;
    /** Null when the task has no stdin, or this attachment does not write to it. */
    private final FifoWriter stdin;
    private final FollowedOutput stdout;
    private final FollowedOutput stderr;

    private ProcessAttachment(TaskHandle handle, FifoWriter stdin, boolean stdinOnce, boolean tty,
            BooleanSupplier running, FollowedOutput stdout, FollowedOutput stderr) {
        this.handle = handle;
        this.stdin = stdin;
        this.stdinOnce = stdinOnce;
        this.tty = tty;
        this.running = running;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * @param stdoutFile the file the task's stdout goes to, {@code stderrFile} its stderr's
     * @param fifo the task's stdin FIFO, or null when clients' input is to be dropped
     * @param releaseStdin makes the task's stdin end once no attachment holds it
     * @throws java.nio.file.NoSuchFileException when the task's output is gone (it ended)
     */
    static ProcessAttachment open(TaskHandle handle, Path stdoutFile, Path stderrFile, Path fifo, boolean stdinOnce,
            boolean tty, BooleanSupplier running, Runnable releaseStdin) throws IOException {
        FollowedOutput stdout = FollowedOutput.fromEnd(stdoutFile, running);
        FollowedOutput stderr;
        try {
            stderr = FollowedOutput.fromEnd(stderrFile, running);
        } catch (IOException e) {
            stdout.close();
            throw e;
        }
        FifoWriter stdin = null;
        if (fifo != null) {
            try {
                stdin = FifoWriter.open(fifo, handle.taskId(), running, releaseStdin);
            } catch (IOException e) {
                stdout.close();
                stderr.close();
                throw e;
            }
        }
        return new ProcessAttachment(handle, stdin, stdinOnce, tty, running, stdout, stderr);
    }

    @Override
    public boolean tty() {
        return tty;
    }

    @Override
    public boolean stdinOnce() {
        return stdinOnce;
    }

    @Override
    public boolean hasStdin() {
        return stdin != null;
    }

    @Override
    public void writeStdin(byte[] data) throws IOException {
        if (stdin != null && running.getAsBoolean()) {
            stdin.write(data);
        }
    }

    @Override
    public void closeTaskStdin() {
        if (stdin != null) {
            stdin.finishAndRelease();
        }
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public InputStream stderr() {
        return stderr;
    }

    @Override
    public void resize(int columns, int rows) throws IOException, InterruptedException {
        Optional<ProcessHandle> script = tty ? ProcessHandle.of(handle.pid()) : Optional.empty();
        if (script.isPresent()) {
            Pty.resize(script.get(), columns, rows);
        }
    }

    @Override
    public boolean running() {
        return running.getAsBoolean();
    }

    @Override
    public void close() {
        stdout.close();
        stderr.close();
        if (stdin != null) {
            stdin.finishWithin(DETACH_STDIN_WAIT);
        }
    }

    /**
     * Writes an attachment's input to the task's stdin FIFO on a platform thread of its own: the
     * FIFO is a file channel, whose blocked write only a platform thread's interrupt ends (a virtual
     * thread's close would wait for the write). The FIFO is opened read-write so that opening never
     * blocks (a write-only open waits for a reader).
     *
     * <p>Input that was taken is written before the writer lets go of the FIFO, as containerd copies
     * a client's stdin to its end before it closes the container's stdin or detaches; it is dropped
     * only when the task ends first, or, when detaching, does not read it in time.
     */
    static final class FifoWriter {
        private static final byte[] END = new byte[0];
        /** A stdinOnce task's stdin ends after the client's input: as long as the task runs, it may read it. */
        private static final Duration UNTIL_THE_TASK_ENDS = Duration.ofNanos(Long.MAX_VALUE);
        /** A few WebSocket messages: beyond that the client waits, as it would on a full pipe. */
        private final BlockingQueue<byte[]> pending = new ArrayBlockingQueue<>(8);
        private final FileChannel fifo;
        private final BooleanSupplier running;
        private final Runnable releaseStdin;
        private final Thread thread;
        /** No more input is taken: what is queued is written, then the writer lets go of the FIFO. */
        private volatile boolean finishing;
        /** The writer let go of the FIFO. */
        private volatile boolean closed;
        /** The task's stdin is to end once this writer let go of the FIFO. */
        private volatile boolean release;

        private FifoWriter(FileChannel fifo, String name, BooleanSupplier running, Runnable releaseStdin) {
            this.fifo = fifo;
            this.running = running;
            this.releaseStdin = releaseStdin;
            this.thread = Thread.ofPlatform().daemon().name("stdin-" + name).unstarted(this::run);
        }

        static FifoWriter open(Path fifo, String name, BooleanSupplier running, Runnable releaseStdin)
                throws IOException {
            return new FifoWriter(FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE), name,
                    running, releaseStdin);
        }

        /** The thread starts with the first input: an attachment that sends none costs none. */
        private synchronized void started() {
            if (thread.getState() == Thread.State.NEW && !finishing) {
                thread.start();
            }
        }

        /** Queues input, waiting while the queue is full; dropped once the writer is finishing. */
        void write(byte[] data) throws IOException {
            started();
            try {
                while (!finishing && !closed && running.getAsBoolean()) {
                    if (pending.offer(data, ProcessRuntime.POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while writing stdin", e);
            }
        }

        /** Writes what is queued, then closes the task's stdin for good (stdinOnce). */
        void finishAndRelease() {
            finish(true, UNTIL_THE_TASK_ENDS);
        }

        /**
         * Writes what is queued and lets go of the FIFO: the input of an attachment that detaches
         * reaches a task that reads it within {@code atMost}.
         */
        void finishWithin(Duration atMost) {
            finish(false, atMost);
        }

        /** Takes no more input and returns at once; the first call decides. */
        private void finish(boolean releaseAfter, Duration atMost) {
            boolean neverStarted;
            synchronized (this) {
                if (finishing) {
                    return;
                }
                release = releaseAfter;
                finishing = true;
                neverStarted = thread.getState() == Thread.State.NEW;
            }
            if (neverStarted) { // nothing was queued, and nothing else lets go of the FIFO
                closed = true;
                closeFifo();
                if (releaseAfter) {
                    releaseStdin.run();
                }
                return;
            }
            // Wakes a writer waiting for input; when the queue is full, the writer sees finishing once it emptied it.
            pending.offer(END);
            Thread.ofVirtual().name("stdin-deadline-" + thread.getName())
                    .start(() -> abandonWhenStuck(System.nanoTime(), atMost));
        }

        /** Ends a FIFO write the task does not read in time, or that waits for a task that has ended. */
        private void abandonWhenStuck(long since, Duration atMost) {
            try {
                while (thread.isAlive()) {
                    if (!running.getAsBoolean() || System.nanoTime() - since > atMost.toNanos()) {
                        thread.interrupt();
                        return;
                    }
                    thread.join(Duration.ofMillis(ProcessRuntime.POLL_MILLIS));
                }
            } catch (InterruptedException e) {
                thread.interrupt();
            }
        }

        private void closeFifo() {
            try {
                fifo.close();
            } catch (IOException e) {
                // nothing was buffered in the channel itself
            }
        }

        private void run() {
            try {
                while (true) {
                    byte[] data = finishing ? pending.poll() : pending.take();
                    if (data == null || data == END) {
                        break;
                    }
                    ByteBuffer buffer = ByteBuffer.wrap(data);
                    while (buffer.hasRemaining()) {
                        fifo.write(buffer);
                    }
                }
            } catch (InterruptedException | IOException e) {
                // abandoned, or the FIFO is gone with the task: the rest of the input has nowhere to go
            } finally {
                closed = true;
                closeFifo();
                if (release) {
                    releaseStdin.run();
                }
            }
        }
    }

    /** A file read on from its end while its writer runs. */
    static final class FollowedOutput extends InputStream {
        private final FileChannel file;
        private final BooleanSupplier writing;
        /** Keeps the log pump from freeing what this follower has yet to read. */
        private final OutputReaders.Mark mark;
        private volatile boolean closed;

        private FollowedOutput(FileChannel file, BooleanSupplier writing, OutputReaders.Mark mark) {
            this.file = file;
            this.writing = writing;
            this.mark = mark;
        }

        static FollowedOutput fromEnd(Path path, BooleanSupplier writing) throws IOException {
            FileChannel file = FileChannel.open(path, StandardOpenOption.READ);
            try {
                long end = file.size();
                // Registered before the position is taken: the pump, which only frees what it has
                // copied, cannot have freed beyond the end seen here.
                OutputReaders.Mark mark = OutputReaders.follow(path, end);
                file.position(end);
                return new FollowedOutput(file, writing, mark);
            } catch (IOException | RuntimeException e) {
                file.close();
                throw e;
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            while (!closed) {
                // Looked at before reading: whatever the writer wrote before it ended is then read.
                boolean stillWriting = writing.getAsBoolean();
                int n;
                try {
                    n = file.read(buffer);
                } catch (IOException e) {
                    if (closed) {
                        return -1;
                    }
                    throw e;
                }
                if (n > 0) {
                    mark.moveTo(file.position());
                    return n;
                }
                if (!stillWriting) {
                    return -1;
                }
                try {
                    Thread.sleep(ProcessRuntime.POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
            return -1;
        }

        @Override
        public void close() {
            closed = true;
            mark.close();
            try {
                file.close();
            } catch (IOException e) {
                // a read-only file: nothing to lose
            }
        }
    }
}
