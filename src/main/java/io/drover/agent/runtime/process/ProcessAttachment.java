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
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One attachment to a process task ({@link ProcessRuntime#attach}).
 *
 * <p>Output: the task's stdout and stderr are files (its run's raw output), so attaching opens
 * them anew through {@code /proc/<pid>/fd/1} and {@code /2} and reads on from their current end,
 * as {@code tail -f} does, every {@value #POLL_MILLIS} ms while nothing new is there. A stream
 * ends once the task ended and everything it wrote was read, or when the attachment closes. The
 * log pump frees the disk blocks of output it has copied; an attached client more than that far
 * behind (megabytes) would read zeros there.
 *
 * <p>Input: the task's stdin FIFO, opened read-write so that the open never blocks (a FIFO's
 * write-only open waits for a reader). Writes block while the FIFO is full, which slows the
 * client: back-pressure, as with a pipe.
 */
final class ProcessAttachment implements TaskStreams {
    static final long POLL_MILLIS = 20;

    private final TaskHandle handle;
    private final boolean stdinOnce;
    private final boolean tty;
    private final BooleanSupplier running;
    private final Runnable releaseStdin;
    private final Object stdinLock = new Object();
    /** The task's stdin FIFO, or null when it has none or it was closed. */
    private FileChannel stdin;
    private final FollowedOutput stdout;
    private final FollowedOutput stderr;

    private ProcessAttachment(TaskHandle handle, FileChannel stdin, boolean stdinOnce, boolean tty,
            BooleanSupplier running, Runnable releaseStdin, FollowedOutput stdout, FollowedOutput stderr) {
        this.handle = handle;
        this.stdin = stdin;
        this.stdinOnce = stdinOnce;
        this.tty = tty;
        this.running = running;
        this.releaseStdin = releaseStdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * @param fifo the task's stdin FIFO, or null when clients' input is to be dropped
     * @param releaseStdin makes the task's stdin end once no attachment holds it
     * @throws java.nio.file.NoSuchFileException when the task's process is gone
     */
    static ProcessAttachment open(TaskHandle handle, Path fifo, boolean stdinOnce, boolean tty, BooleanSupplier running,
            Runnable releaseStdin) throws IOException {
        Path fds = Path.of("/proc", Long.toString(handle.pid()), "fd");
        FollowedOutput stdout = FollowedOutput.fromEnd(fds.resolve("1"), running);
        FollowedOutput stderr = null;
        FileChannel stdin = null;
        try {
            stderr = FollowedOutput.fromEnd(fds.resolve("2"), running);
            stdin = fifo == null ? null : FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            stdout.close();
            if (stderr != null) {
                stderr.close();
            }
            throw e;
        }
        return new ProcessAttachment(handle, stdin, stdinOnce, tty, running, releaseStdin, stdout, stderr);
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
    public void writeStdin(byte[] data) throws IOException {
        synchronized (stdinLock) {
            if (stdin == null || !running.getAsBoolean()) {
                return;
            }
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                stdin.write(buffer);
            }
        }
    }

    @Override
    public void closeTaskStdin() throws IOException {
        synchronized (stdinLock) {
            if (stdin == null) {
                return;
            }
            stdin.close();
            stdin = null;
        }
        releaseStdin.run();
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
        // Without the lock: a write blocked on a full FIFO is ended by the close.
        FileChannel held = stdin;
        if (held != null) {
            try {
                held.close();
            } catch (IOException e) {
                // nothing held any more either way
            }
        }
    }

    /** A file read on from its end while its writer runs. */
    static final class FollowedOutput extends InputStream {
        private final FileChannel file;
        private final BooleanSupplier writing;
        private volatile boolean closed;

        private FollowedOutput(FileChannel file, BooleanSupplier writing) {
            this.file = file;
            this.writing = writing;
        }

        static FollowedOutput fromEnd(Path path, BooleanSupplier writing) throws IOException {
            FileChannel file = FileChannel.open(path, StandardOpenOption.READ);
            try {
                file.position(file.size());
            } catch (IOException e) {
                file.close();
                throw e;
            }
            return new FollowedOutput(file, writing);
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
                    return n;
                }
                if (!stillWriting) {
                    return -1;
                }
                try {
                    Thread.sleep(POLL_MILLIS);
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
            try {
                file.close();
            } catch (IOException e) {
                // a read-only file: nothing to lose
            }
        }
    }
}
