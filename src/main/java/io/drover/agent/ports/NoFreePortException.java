package io.drover.agent.ports;

/** Every port of the range is taken, by pods or by other processes. */
public final class NoFreePortException extends Exception {
    public NoFreePortException(String message) {
        super(message);
    }
}
