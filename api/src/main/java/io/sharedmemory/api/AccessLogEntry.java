package io.sharedmemory.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One record of the audit trail: who did what, where, and whether it worked. Immutable.
 *
 * <p>Failure texts are the specification's: {@code Namespace "X" does not exist}, {@code Insufficient permissions},
 * {@code Key not found}, {@code Entry expired}, {@code Conflict resolution rejected write}, {@code Namespace full}; plus
 * the texts of the refusals this implementation adds (version mismatch, strategy unavailable, invalid input), each
 * beginning with what was refused.
 */
public final class AccessLogEntry {
    private final long timestampMillis;
    private final String agentId;
    private final AccessAction action;
    private final String namespace;
    private final String key;
    private final boolean success;
    private final String error;

    /**
     * @param timestamp when it happened; not null
     * @param agentId who did it (may be null only when the caller passed none)
     * @param action the operation; not null
     * @param namespace where (may be null only when the caller passed none)
     * @param key the key, or null when the operation concerns no single key
     * @param success whether the operation succeeded
     * @param error why it failed; null on success
     */
    public AccessLogEntry(Instant timestamp, String agentId, AccessAction action, String namespace, String key,
                          boolean success, String error) {
        this(Objects.requireNonNull(timestamp, "timestamp").toEpochMilli(), agentId, action, namespace, key, success,
                error);
    }

    /**
     * The engine's constructor: the same with the time in epoch milliseconds, so that recording costs one allocation.
     *
     * @param timestampMillis when it happened, in epoch milliseconds
     * @param agentId who did it
     * @param action the operation; not null
     * @param namespace where
     * @param key the key, or null
     * @param success whether the operation succeeded
     * @param error why it failed; null on success
     */
    public AccessLogEntry(long timestampMillis, String agentId, AccessAction action, String namespace, String key,
                          boolean success, String error) {
        this.timestampMillis = timestampMillis;
        this.agentId = agentId;
        this.action = Objects.requireNonNull(action, "action");
        this.namespace = namespace;
        this.key = key;
        this.success = success;
        this.error = error;
    }

    /** @return when it happened */
    public Instant timestamp() {
        return Instant.ofEpochMilli(timestampMillis);
    }

    /** @return when it happened, in epoch milliseconds */
    public long timestampMillis() {
        return timestampMillis;
    }

    /** @return who did it */
    public String agentId() {
        return agentId;
    }

    /** @return the operation */
    public AccessAction action() {
        return action;
    }

    /** @return the namespace */
    public String namespace() {
        return namespace;
    }

    /** @return the key, null when the operation concerns no single key */
    public String key() {
        return key;
    }

    /** @return whether the operation succeeded */
    public boolean success() {
        return success;
    }

    /** @return why it failed; null on success */
    public String error() {
        return error;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessLogEntry e
                && timestampMillis == e.timestampMillis
                && success == e.success
                && action == e.action
                && Objects.equals(agentId, e.agentId)
                && Objects.equals(namespace, e.namespace)
                && Objects.equals(key, e.key)
                && Objects.equals(error, e.error);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestampMillis, agentId, action, namespace, key, success, error);
    }

    @Override
    public String toString() {
        return timestamp() + " " + agentId + " " + action + " " + namespace + (key == null ? "" : "/" + key)
                + (success ? " OK" : " FAILED: " + error);
    }
}
