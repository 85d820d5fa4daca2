package io.sharedmemory.store;

import io.sharedmemory.api.MemoryEntry;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The decision about one key that an {@link EntryTable} runs atomically: given the entry the key holds (or none),
 * decide what becomes of it. The engine makes one for every write, delete and expiry; a store may make its own (to
 * restore entries it recovered, for instance).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>A store runs {@code decide} with no other step of the same key running, and installs the decision before any
 *       later step of that key sees the key. It runs each step of the engine at most once when it declares
 *       {@link StoreCapability#LOCAL_STEP}; otherwise it may run it again (after a failover) and must then answer a
 *       re-run the way the first run was answered (see {@link StoreCodec} for steps that travel).</li>
 *   <li>The engine's steps are pure: they read only their arguments and their own fields, and a second run with the
 *       same current entry decides the same. They never block and never call back into the store.</li>
 *   <li>A step may throw {@link StoreException}; the store then installs nothing.</li>
 * </ul>
 */
@ConsumerType
public interface KeyStep {
    /**
     * @param current the entry the key holds (live or past its deadline), or null
     * @return what becomes of the key; not null
     */
    Decision decide(MemoryEntry current);

    /**
     * The same as {@link #decide(MemoryEntry)}, told the current entry's version and deadline by a store that keeps
     * them beside the entry, so that the step need not read the entry itself (for a large in-memory namespace, one
     * cache miss fewer per write). {@code version} equals {@code current.version()} and {@code expiresAtMillis}
     * equals {@code current.expiresAtMillis()}; both are 0 and {@link MemoryEntry#NO_EXPIRY} when current is null.
     *
     * @param current the entry the key holds, or null
     * @param version its version, or 0
     * @param expiresAtMillis its deadline, or {@link MemoryEntry#NO_EXPIRY}
     * @return what becomes of the key; not null
     */
    default Decision decide(MemoryEntry current, long version, long expiresAtMillis) {
        return decide(current);
    }

    /**
     * Whether this step holds room reserved with {@link EntryTable#reserve(int)}: a key it adds takes that room
     * instead of new room. The engine reserves before a write that may add a key to a namespace with a
     * {@code maxEntries} limit, and releases the room when the write added none.
     *
     * @return true when the step holds one reservation
     */
    default boolean holdsRoom() {
        return false;
    }
}
