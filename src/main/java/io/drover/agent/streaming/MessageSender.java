package io.drover.agent.streaming;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a streaming session's binary messages from several threads, one at a time, in order, each
 * waited for until written: the thread with the next chunk waits, so a slow client slows whoever
 * produces the bytes (a command, a pod's socket) instead of filling the agent's memory.
 */
public final class MessageSender {
    private static final Logger log = LoggerFactory.getLogger(MessageSender.class);

    private final String name;
    private final Duration timeout;
    private final ReentrantLock sending = new ReentrantLock();
    private volatile Session session;

    /**
     * @param name the session's name, for logs
     * @param timeout how long one message may take to be written
     */
    public MessageSender(String name, Duration timeout) {
        this.name = name;
        this.timeout = timeout;
    }

    /** The session to send on, once it is open. */
    public void open(Session session) {
        this.session = session;
    }

    public boolean send(ByteBuffer message) {
        return send(() -> message);
    }

    /**
     * Sends the message {@code make} returns, made while no other message is being sent (for an
     * encoder whose state follows the order of the messages); null sends nothing.
     *
     * @return false when nothing was sent: no message, or the connection is gone
     */
    public boolean send(Supplier<ByteBuffer> make) {
        sending.lock();
        try {
            Session open = session;
            if (open == null || !open.isOpen()) {
                return false;
            }
            ByteBuffer message = make.get();
            if (message == null) {
                return false;
            }
            Callback.Completable sent = new Callback.Completable();
            open.sendBinary(message, sent);
            sent.get(timeout.toSeconds(), TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            log.debug("{}: send failed: {}", name, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            sending.unlock();
        }
    }

    /** Runs {@code action} while no message is being sent (to release what the messages are made from). */
    public void whileIdle(Runnable action) {
        sending.lock();
        try {
            action.run();
        } finally {
            sending.unlock();
        }
    }
}
