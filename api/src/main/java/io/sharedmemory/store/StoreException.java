package io.sharedmemory.store;

/**
 * A store could not do what it was asked: a file that cannot be written, a failed force to disk, an unreachable
 * cluster, a store that stopped accepting writes after a failure. The message names what failed (a path, an offset, a
 * member) in words fit for an operator.
 *
 * <p>Thrown by a store, it means the operation did not take effect — except where {@link #outcomeUnknown()} says the
 * store cannot tell (a force that failed after the write reached the operating system, a cluster member that failed
 * between applying and answering). The engine reports either as
 * {@link io.sharedmemory.api.WriteResult.Status#STORE_UNAVAILABLE}, never as success.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean outcomeUnknown;

    /**
     * @param message what failed
     */
    public StoreException(String message) {
        this(message, null, false);
    }

    /**
     * @param message what failed
     * @param cause the underlying failure
     */
    public StoreException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param message what failed
     * @param cause the underlying failure, or null
     * @param outcomeUnknown true when the operation may nevertheless have taken effect
     */
    public StoreException(String message, Throwable cause, boolean outcomeUnknown) {
        super(message, cause);
        this.outcomeUnknown = outcomeUnknown;
    }

    /** @return true when the operation may have taken effect although it failed */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
