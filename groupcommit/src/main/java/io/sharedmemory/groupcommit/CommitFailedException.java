package io.sharedmemory.groupcommit;

import java.io.IOException;

/**
 * A {@link GroupCommit} stopped after a failure, its own or another caller's: what the caller appended is not known to
 * be durable. The cause is the first failure.
 */
public class CommitFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, and that nothing more is accepted
     * @param cause the first failure
     */
    public CommitFailedException(String message, IOException cause) {
        super(message, cause);
    }
}
