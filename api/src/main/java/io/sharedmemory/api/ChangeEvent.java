package io.sharedmemory.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A change in a namespace, as delivered to a {@linkplain SharedMemory#subscribe subscriber}.
 *
 * @param namespace the namespace
 * @param key the key, null for {@link ChangeAction#BROADCAST} and {@link ChangeAction#OVERFLOW}, the key whose
 *        changes may be missing or null for {@link ChangeAction#RESYNC}
 * @param value the value as stored ({@code WRITE}), the last value ({@code EXPIRE}), the message ({@code BROADCAST}),
 *        the number of missed events ({@code OVERFLOW}), the reason ({@code RESYNC}) or null ({@code DELETE})
 * @param agentId the agent that made the change; for {@code EXPIRE}, {@code OVERFLOW} and {@code RESYNC} the engine's
 *        own id {@value SharedMemory#SYSTEM_AGENT}
 * @param action what happened
 * @param version the key's version after the change (0 after a delete or expiry and for broadcasts)
 * @param timestamp when it happened
 */
public record ChangeEvent(String namespace, String key, Object value, String agentId, ChangeAction action,
                          long version, Instant timestamp) {
    /** Checks that namespace, agentId, action and timestamp are present. */
    public ChangeEvent {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
