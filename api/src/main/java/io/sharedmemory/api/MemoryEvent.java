package io.sharedmemory.api;

import java.time.Instant;
import java.util.Objects;

/**
 * An event delivered to listeners registered with {@link SharedMemory#on}.
 *
 * @param type what happened
 * @param namespace the namespace, null only for the overflow notice described below
 * @param key the key, null where the event concerns no single key
 * @param agentId the agent that caused it (for a broadcast: the sender; for cleanup: {@value SharedMemory#SYSTEM_AGENT})
 * @param value the value written or read, the broadcast message, the list of expired keys, the changed permissions; or
 *        null
 * @param reason for {@link EventType#MEMORY_CONFLICT}: {@code permission_denied}, {@code conflict_rejected},
 *        {@code version_mismatch}, {@code namespace_full} or {@code strategy_unavailable}; {@code listener_overflow} for
 *        the last event of a listener that fell too far behind and was removed (the notice it is owed); null
 *        otherwise
 * @param timestamp when it happened
 */
public record MemoryEvent(EventType type, String namespace, String key, String agentId, Object value, String reason,
                          Instant timestamp) {
    /** The reason carried by the last event of a listener that overflowed its queue and was removed. */
    public static final String LISTENER_OVERFLOW = "listener_overflow";

    /** Checks that type and timestamp are present. */
    public MemoryEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
