package io.sharedmemory.api;

/**
 * Thrown by {@code subscribe} and {@code broadcast} when the agent lacks the permission the operation needs.
 */
public class AccessDeniedException extends SharedMemoryException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message why access was denied
     */
    public AccessDeniedException(String message) {
        super(message);
    }
}
