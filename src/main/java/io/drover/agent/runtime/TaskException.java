package io.drover.agent.runtime;

/** A runtime could not do what was asked with a task (start it, signal it, read its state). */
public class TaskException extends RuntimeException {
    public TaskException(String message) {
        super(message);
    }

    public TaskException(String message, Throwable cause) {
        super(message, cause);
    }
}
