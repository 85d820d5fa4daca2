package io.sharedmemory.engine.internal.values;

/** A value that is not JSON-like or breaks a limit; carries the message the caller sees. No stack trace: it is control flow. */
public final class InvalidValueException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidValueException(String message) {
        super(message, null, false, false);
    }
}
