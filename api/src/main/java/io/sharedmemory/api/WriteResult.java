package io.sharedmemory.api;

import java.util.Objects;

/**
 * What a write did. Immutable.
 *
 * <p>{@link #version()} is the key's version after the operation: the new version when written, the current one
 * (0 when the key holds no live entry) when refused — except that an agent refused for lack of permission learns the
 * version only if it may read the namespace (0 otherwise). {@link #message()} is null on success and a sentence for a person
 * otherwise; the access-log entry of the write carries the same text as its error, except for {@link Status#REJECTED}:
 * the log has the specification's text {@code Conflict resolution rejected write}, and the message begins with it and
 * adds the strategy's reason.
 *
 * @param status what happened
 * @param version the key's version after the operation
 * @param message why the write was refused; null when it was written
 */
public record WriteResult(Status status, long version, String message) {

    /** What a write did. */
    public enum Status {
        /** The value was stored; {@link WriteResult#version()} is its new version. */
        WRITTEN,
        /** The conflict strategy or the namespace's resolver refused the write ({@code memory:conflict}, reason
         *  {@code conflict_rejected}). */
        REJECTED,
        /** The agent lacks {@link Permission#WRITE} ({@code memory:conflict}, reason {@code permission_denied}). */
        DENIED,
        /** The namespace does not exist. */
        NO_NAMESPACE,
        /** The write would add a key to a namespace already holding {@code maxEntries} live entries. */
        NAMESPACE_FULL,
        /** {@code expectedVersion} did not match the key's version ({@code memory:conflict}, reason
         *  {@code version_mismatch}). */
        VERSION_MISMATCH,
        /** The namespace's conflict strategy is not installed (or was just removed); nothing changed. */
        STRATEGY_UNAVAILABLE,
        /** An argument broke the documented limits (name, key, agent id or value); nothing changed. */
        INVALID,
        /** The memory is configured to require an audit sink and none is present, so nothing may happen unrecorded;
         *  nothing changed. */
        AUDIT_UNAVAILABLE,
        /**
         * The memory's store could not keep the write — a full disk, a failed force to disk, an unreachable cluster,
         * a store stopped after such a failure — and said so; the message names the cause. The write was not
         * acknowledged; whether it took effect is stated in the message when the store cannot tell (a force that
         * failed after the data reached the operating system). A durable store that failed to force stops accepting
         * writes until it is opened again. Inside OSGi also the answer of a memory that cannot serve at all: the store
         * its configuration names is not present, or the configuration has a bad value (the message says which).
         *
         * @since 1.1
         */
        STORE_UNAVAILABLE
    }

    /**
     * @param status what happened; not null
     * @param version the key's version after the operation, not negative
     * @param message null exactly when the status is {@link Status#WRITTEN}
     */
    public WriteResult {
        Objects.requireNonNull(status, "status");
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative, was " + version);
        }
    }

    /**
     * @param version the new version
     * @return a successful result
     */
    public static WriteResult written(long version) {
        return new WriteResult(Status.WRITTEN, version, null);
    }

    /**
     * @param status why the write was refused; not {@link Status#WRITTEN}
     * @param currentVersion the key's current version, 0 when it holds no live entry
     * @param message the reason, for a person
     * @return a refusal
     */
    public static WriteResult refused(Status status, long currentVersion, String message) {
        if (status == Status.WRITTEN) {
            throw new IllegalArgumentException("a refusal cannot have status WRITTEN");
        }
        return new WriteResult(status, currentVersion, Objects.requireNonNull(message, "message"));
    }

    /** @return true when the value was stored */
    public boolean isWritten() {
        return status == Status.WRITTEN;
    }
}
