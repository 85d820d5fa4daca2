package io.sharedmemory.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Options of one write: metadata stored with the entry, and an expected version that turns the write into a
 * compare-and-set. Immutable; build with {@link #builder()}.
 */
public final class WriteOptions {
    private static final WriteOptions NONE = new WriteOptions(Map.of(), -1);

    private final Map<String, Object> metadata;
    private final long expectedVersion;

    private WriteOptions(Map<String, Object> metadata, long expectedVersion) {
        this.metadata = metadata;
        this.expectedVersion = expectedVersion;
    }

    /** @return options with no metadata and no expected version */
    public static WriteOptions none() {
        return NONE;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the metadata to store with the entry, as given (the engine snapshots it; it must be JSON-like like a
     *         value, or the write is {@link WriteResult.Status#INVALID})
     */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /**
     * @return the version the key must have for the write to happen: 0 means "the key must hold no live entry";
     *         empty means no check
     */
    public OptionalLong expectedVersion() {
        return expectedVersion < 0 ? OptionalLong.empty() : OptionalLong.of(expectedVersion);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WriteOptions w && w.expectedVersion == expectedVersion && w.metadata.equals(metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(metadata, expectedVersion);
    }

    @Override
    public String toString() {
        return "WriteOptions[metadata=" + metadata + ", expectedVersion="
                + (expectedVersion < 0 ? "none" : expectedVersion) + "]";
    }

    /** Builds {@link WriteOptions}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Object> metadata = new LinkedHashMap<>();
        private long expectedVersion = -1;

        private Builder() {
        }

        /**
         * Adds metadata to store with the entry (string keys, JSON-like values).
         *
         * @param metadata the entries to add; not null
         * @return this builder
         */
        public Builder metadata(Map<String, Object> metadata) {
            this.metadata.putAll(Objects.requireNonNull(metadata, "metadata"));
            return this;
        }

        /**
         * Makes the write a compare-and-set: it happens only when the key's current version equals
         * {@code expectedVersion} (0: the key holds no live entry); otherwise it is refused with
         * {@link WriteResult.Status#VERSION_MISMATCH}.
         *
         * @param expectedVersion the version the key must have, not negative
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder expectedVersion(long expectedVersion) {
            if (expectedVersion < 0) {
                throw new IllegalArgumentException("expectedVersion must not be negative, was " + expectedVersion);
            }
            this.expectedVersion = expectedVersion;
            return this;
        }

        /** @return the options */
        public WriteOptions build() {
            return new WriteOptions(metadata.isEmpty() ? Map.of()
                    : Collections.unmodifiableMap(new LinkedHashMap<>(metadata)), expectedVersion);
        }
    }
}
