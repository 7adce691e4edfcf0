package io.drover.agent.portforward;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The two SPDY streams of one forwarded connection (the kubelet's httpStreamPair): the error
 * stream and the data stream the client opened with the same request id, and the connection to the
 * pod once both are there. Stream ids are 0 until the stream arrives.
 */
final class StreamPair {
    static final String DATA = "data";
    static final String ERROR = "error";

    private final String requestId;
    private final CountDownLatch completed = new CountDownLatch(1);
    private final AtomicBoolean finished = new AtomicBoolean();
    private int errorStream;
    private int dataStream;
    private String portHeader;
    private volatile ForwardedConnection connection;

    StreamPair(String requestId) {
        this.requestId = requestId;
    }

    String requestId() {
        return requestId;
    }

    /**
     * Adds a stream of {@code type} ({@link #DATA} or {@link #ERROR}).
     *
     * @return null, or the kubelet's message when the pair already has a stream of that type
     */
    synchronized String add(String type, int streamId, String port) {
        if (type.equals(ERROR)) {
            if (errorStream != 0) {
                return "error stream already assigned";
            }
            errorStream = streamId;
        } else {
            if (dataStream != 0) {
                return "data stream already assigned";
            }
            dataStream = streamId;
            portHeader = port;
        }
        if (complete()) {
            completed.countDown();
        }
        return null;
    }

    synchronized boolean complete() {
        return errorStream != 0 && dataStream != 0;
    }

    boolean awaitComplete(Duration timeout) throws InterruptedException {
        return completed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized int errorStream() {
        return errorStream;
    }

    synchronized int dataStream() {
        return dataStream;
    }

    synchronized String portHeader() {
        return portHeader;
    }

    /** The data stream's port, or 0 when the header is missing or not a port number. */
    synchronized int port() {
        if (portHeader == null || !portHeader.matches("\\d{1,5}")) {
            return 0;
        }
        int port = Integer.parseInt(portHeader);
        return port <= 65535 ? port : 0;
    }

    void connected(ForwardedConnection connection) {
        this.connection = connection;
    }

    ForwardedConnection connection() {
        return connection;
    }

    /** True the first time: the forward ends once. */
    boolean finish() {
        completed.countDown();
        return finished.compareAndSet(false, true);
    }

    void close() {
        completed.countDown();
        ForwardedConnection c = connection;
        if (c != null) {
            c.close();
        }
    }
}
