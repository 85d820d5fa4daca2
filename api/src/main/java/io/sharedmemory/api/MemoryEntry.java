package io.sharedmemory.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored entry: a value with its owner, time, version and metadata. Immutable and safe to share between threads.
 *
 * <p>{@link #value()} is a JSON-like immutable snapshot (see {@link SharedMemory}): strings, booleans, numbers,
 * unmodifiable maps with string keys and unmodifiable lists, nested. {@link #version()} is 1 for the first write of a key
 * (or the first after a delete or expiry) and rises by exactly one per accepted write.
 */
public final class MemoryEntry {
    /** The expiry of an entry that never expires. */
    public static final long NO_EXPIRY = Long.MAX_VALUE;

    private final Object value;
    private final String ownerId;
    private final long timestampMillis;
    private final long version;
    private final Map<String, Object> metadata;
    private final long expiresAtMillis;

    private MemoryEntry(Object value, String ownerId, long timestampMillis, long version,
                        Map<String, Object> metadata, long expiresAtMillis) {
        this.value = value;
        this.ownerId = ownerId;
        this.timestampMillis = timestampMillis;
        this.version = version;
        this.metadata = metadata;
        this.expiresAtMillis = expiresAtMillis;
    }

    /**
     * Creates an entry that never expires, for instance in a {@link ConflictResolver} or a test of a strategy.
     * The engine snapshots the value and metadata again before it stores anything, so a mutable value given here is
     * never stored as such.
     *
     * @param value the value; not null
     * @param ownerId the agent that wrote it; not null
     * @param timestamp when it was written; not null
     * @param version its version, at least 1
     * @param metadata its metadata; null means none
     * @return the entry
     */
    public static MemoryEntry of(Object value, String ownerId, Instant timestamp, long version,
                                 Map<String, Object> metadata) {
        Objects.requireNonNull(timestamp, "timestamp");
        return of(value, ownerId, timestamp.toEpochMilli(), version, metadata, NO_EXPIRY);
    }

    /**
     * Creates an entry with every field given; the engine's own factory. The value and metadata are taken as they are,
     * so they must already be immutable snapshots.
     *
     * @param value the value; not null
     * @param ownerId the agent that wrote it; not null
     * @param timestampMillis when it was written, in epoch milliseconds
     * @param version its version, at least 1
     * @param metadata its metadata; null means none
     * @param expiresAtMillis when it expires in epoch milliseconds, or {@link #NO_EXPIRY}
     * @return the entry
     */
    public static MemoryEntry of(Object value, String ownerId, long timestampMillis, long version,
                                 Map<String, Object> metadata, long expiresAtMillis) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(ownerId, "ownerId");
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, was " + version);
        }
        return new MemoryEntry(value, ownerId, timestampMillis, version,
                metadata == null ? Map.of() : metadata, expiresAtMillis);
    }

    /** @return the value, an immutable JSON-like snapshot */
    public Object value() {
        return value;
    }

    /** @return the agent whose write stored this entry */
    public String ownerId() {
        return ownerId;
    }

    /** @return when the entry was written */
    public Instant timestamp() {
        return Instant.ofEpochMilli(timestampMillis);
    }

    /** @return when the entry was written, in epoch milliseconds */
    public long timestampMillis() {
        return timestampMillis;
    }

    /** @return the version: 1 for the first write of the key, +1 per accepted write */
    public long version() {
        return version;
    }

    /** @return the write's metadata, unmodifiable, empty when none was given */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** @return when the entry expires, or empty when its namespace has no TTL */
    public Optional<Instant> expiresAt() {
        return expiresAtMillis == NO_EXPIRY ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expiresAtMillis));
    }

    /** @return when the entry expires in epoch milliseconds, or {@link #NO_EXPIRY} */
    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    /**
     * Whether the entry has expired at the given time: an entry is visible until its deadline and never at or after it.
     *
     * @param nowMillis the time, in epoch milliseconds
     * @return true when {@code nowMillis >= expiresAtMillis()}
     */
    public boolean isExpiredAt(long nowMillis) {
        return nowMillis >= expiresAtMillis;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemoryEntry e
                && version == e.version
                && timestampMillis == e.timestampMillis
                && expiresAtMillis == e.expiresAtMillis
                && value.equals(e.value)
                && ownerId.equals(e.ownerId)
                && metadata.equals(e.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, ownerId, timestampMillis, version, metadata);
    }

    @Override
    public String toString() {
        return "MemoryEntry[value=" + value + ", ownerId=" + ownerId + ", timestamp=" + timestamp()
                + ", version=" + version + ", metadata=" + metadata
                + (expiresAtMillis == NO_EXPIRY ? "" : ", expiresAt=" + Instant.ofEpochMilli(expiresAtMillis)) + "]";
    }
}
