package io.sharedmemory.spi;

import java.util.Map;
import java.util.Objects;

/**
 * A {@link ConflictStrategy}'s decision. Immutable.
 *
 * <ul>
 *   <li>{@link #accept()}: store the incoming entry.</li>
 *   <li>{@link #reject(String)}: store nothing; the write returns {@code REJECTED} with the reason, and fires
 *       {@code memory:conflict} with reason {@code conflict_rejected}.</li>
 *   <li>{@link #replace(Object)} / {@link #replace(Object, Map)}: store this value (and metadata) instead of the incoming
 *       one, as the writing agent, with the next version — how {@code merge} stores a merged value.</li>
 * </ul>
 */
public final class Resolution {
    /** The kind of decision. */
    public enum Kind {
        /** Store the incoming entry. */
        ACCEPT,
        /** Store nothing. */
        REJECT,
        /** Store another value. */
        REPLACE
    }

    private static final Resolution ACCEPT = new Resolution(Kind.ACCEPT, null, null, null);

    private final Kind kind;
    private final Object value;
    private final Map<String, Object> metadata;
    private final String reason;

    private Resolution(Kind kind, Object value, Map<String, Object> metadata, String reason) {
        this.kind = kind;
        this.value = value;
        this.metadata = metadata;
        this.reason = reason;
    }

    /** @return the decision to store the incoming entry */
    public static Resolution accept() {
        return ACCEPT;
    }

    /**
     * @param reason why, for a person; becomes the write's message (null: the specification's "Conflict resolution
     *        rejected write")
     * @return the decision to store nothing
     */
    public static Resolution reject(String reason) {
        return new Resolution(Kind.REJECT, null, null, reason);
    }

    /**
     * @param value the JSON-like value to store instead of the incoming one, with the incoming metadata; not null
     * @return the decision to store {@code value}
     */
    public static Resolution replace(Object value) {
        return new Resolution(Kind.REPLACE, Objects.requireNonNull(value, "value"), null, null);
    }

    /**
     * @param value the JSON-like value to store instead of the incoming one; not null
     * @param metadata the metadata to store with it; not null
     * @return the decision to store {@code value} with {@code metadata}
     */
    public static Resolution replace(Object value, Map<String, Object> metadata) {
        return new Resolution(Kind.REPLACE, Objects.requireNonNull(value, "value"),
                Objects.requireNonNull(metadata, "metadata"), null);
    }

    /** @return the kind of decision */
    public Kind kind() {
        return kind;
    }

    /** @return the value to store for {@link Kind#REPLACE}; null otherwise */
    public Object value() {
        return value;
    }

    /** @return the metadata to store for {@link Kind#REPLACE}, or null to keep the incoming metadata */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** @return the reason of a {@link Kind#REJECT}, possibly null */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ACCEPT -> "Resolution[accept]";
            case REJECT -> "Resolution[reject: " + reason + "]";
            case REPLACE -> "Resolution[replace: " + value + "]";
        };
    }
}
