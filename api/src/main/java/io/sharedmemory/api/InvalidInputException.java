package io.sharedmemory.api;

/**
 * Thrown by the operations that report failures by exception ({@code createNamespace}, {@code subscribe},
 * {@code broadcast}, {@code on}) when an argument breaks the documented limits: a null, empty, overlong or
 * control-character name, key or agent id, or a value that is not JSON-like. Nothing was changed.
 * The operations that return a result report the same cases as {@link WriteResult.Status#INVALID}, {@code false} or
 * {@code null} instead.
 */
public class InvalidInputException extends SharedMemoryException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong with the input
     */
    public InvalidInputException(String message) {
        super(message);
    }
}
