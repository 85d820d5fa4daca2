package io.sharedmemory.engine.internal;

import io.sharedmemory.api.MemoryEntry;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The entries of one namespace: the seam behind which a durable or a cluster store (for instance a Hazelcast map) can
 * replace the in-memory one.
 *
 * <p>Contract: {@link #get} never blocks and never takes a lock; {@link #update} runs its function atomically with
 * respect to every other {@code update} of the same key (the function may be retried only if it has no side effects
 * — the in-memory store never retries) and installs its result, or removes the key when the result is null.
 */
interface EntryStore {
    MemoryEntry get(String key);

    /**
     * @param fn (key, current entry or null) → new entry, or null to remove
     * @return the entry installed, or null
     */
    MemoryEntry update(String key, BiFunction<String, MemoryEntry, MemoryEntry> fn);

    /** Visits every entry; weakly consistent under concurrent updates. */
    void forEach(BiConsumer<String, MemoryEntry> action);

    /** @return the number of stored entries, including expired ones not yet removed */
    long size();

    void clear();
}
