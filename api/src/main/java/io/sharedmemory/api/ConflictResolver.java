package io.sharedmemory.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A namespace's own conflict logic, used when the namespace's strategy is {@code custom}
 * (see {@link NamespaceConfig.Builder#conflictResolver(ConflictResolver)}).
 *
 * <p>Called only when the key holds a live entry (the first write of a key, or the first after a delete or expiry, is
 * accepted without asking). Called inside the key's atomic commit, so it must be fast, must not block and must not call
 * back into the {@link SharedMemory}; it may be called from any thread.
 *
 * <p>Results: returning {@code existing} (the same instance) rejects the write ({@link WriteResult.Status#REJECTED});
 * returning {@code incoming} accepts it; returning any other entry accepts a write of that entry's
 * {@link MemoryEntry#value() value} and {@link MemoryEntry#metadata() metadata} (owner, timestamp and version are always
 * set by the engine). Returning {@code null}, a value that is not JSON-like, or throwing, rejects the write with a
 * message saying so.
 */
@ConsumerType
@FunctionalInterface
public interface ConflictResolver {
    /**
     * Decides a write to a key that holds a live entry.
     *
     * @param existing the entry stored now
     * @param incoming the entry the write proposes (its version is {@code existing.version() + 1})
     * @param key the key being written
     * @return {@code existing} to reject, {@code incoming} to accept, or another entry to store instead
     */
    MemoryEntry resolve(MemoryEntry existing, MemoryEntry incoming, String key);
}
