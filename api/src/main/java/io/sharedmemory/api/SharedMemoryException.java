package io.sharedmemory.api;

/**
 * The root of the exceptions the shared memory throws on purpose. Most operations report their outcome in their result
 * (a {@link WriteResult}, {@code false}, {@code null}) and in the access log instead; only the operations whose contract
 * says so throw.
 */
public class SharedMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for a person
     */
    public SharedMemoryException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, for a person
     * @param cause the underlying failure
     */
    public SharedMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
