package io.drover.agent.exec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.agent.runtime.TaskStreams;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A running task as one attach session relays it. What ends the session, and what the end of the
 * client's stdin does, follow containerd's attach (internal/cri/io, ContainerIO.Attach): when the
 * client's stdin ends and the container is {@code stdinOnce} without a terminal, the container's
 * stdin is closed and the session lasts until the container ends, so its last output arrives;
 * otherwise the session detaches and the container runs on. A container without stdin ignores the
 * client's stdin, its end included (containerd relays stdin only to a container that has one), so
 * the session lasts until the container ends or the client goes. It ends with a Success status, as
 * the kubelet's ServeAttach writes it.
 */
final class AttachedTask implements RemoteStreams {
    private static final long POLL_MILLIS = 50;

    private final TaskStreams task;
    private final boolean clientStdin;
    private final CountDownLatch detached = new CountDownLatch(1);

    /** @param clientStdin whether the client asked to send stdin */
    AttachedTask(TaskStreams task, boolean clientStdin) {
        this.task = task;
        this.clientStdin = clientStdin;
    }

    @Override
    public InputStream stdout() {
        return task.stdout();
    }

    @Override
    public InputStream stderr() {
        return task.stderr();
    }

    @Override
    public void writeStdin(byte[] data) throws IOException {
        if (clientStdin) {
            task.writeStdin(data);
        }
    }

    @Override
    public void endStdin() throws IOException {
        if (!clientStdin || !task.hasStdin()) {
            return;
        }
        if (closesTaskStdin()) {
            task.closeTaskStdin();
        } else {
            detach();
        }
    }

    private boolean closesTaskStdin() {
        return task.stdinOnce() && !task.tty();
    }

    @Override
    public void resize(TerminalSize size) throws IOException, InterruptedException {
        task.resize(size.width(), size.height());
    }

    /** Until the task ends or the session detaches. */
    @Override
    public ObjectNode awaitEnd() throws InterruptedException {
        while (task.running() && !detached.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            // the task's end has no event to wait for here: its process is not ours to wait on
        }
        return ExecStatus.success();
    }

    /** A client that goes away ends its stdin too. */
    @Override
    public void abandon() {
        try {
            if (clientStdin && closesTaskStdin()) {
                task.closeTaskStdin();
            }
        } catch (IOException e) {
            // the task has ended, or its stdin was closed already
        }
        detach();
    }

    private void detach() {
        detached.countDown();
        task.close();
    }

    @Override
    public void release() {
        task.close();
    }
}
