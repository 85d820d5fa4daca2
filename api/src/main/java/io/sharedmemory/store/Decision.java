package io.sharedmemory.store;

import io.sharedmemory.api.MemoryEntry;
import java.util.Objects;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a {@link KeyStep} decided for its key: keep the current entry, put an entry in its place, or remove the key.
 * A store installs it atomically with the step that made it. The engine's own decisions carry more (the outcome the
 * caller gets), which a store that runs steps elsewhere transports with the {@link StoreCodec}; a store reads only
 * {@link #action()} and {@link #entry()}.
 */
@ConsumerType
public interface Decision {
    /** What becomes of the key. */
    enum Action {
        /** Nothing changes. */
        KEEP,
        /** {@link Decision#entry()} is stored, replacing the current entry if any. */
        PUT,
        /** The key is removed (nothing happens when it held nothing). */
        REMOVE
    }

    /** @return what becomes of the key */
    Action action();

    /** @return the entry to store when {@link #action()} is {@link Action#PUT}; otherwise ignored */
    MemoryEntry entry();

    /**
     * Who removes the key, for a {@link StoreCapability#SHARED} store that reports every change to the engines of
     * other processes ({@link StoreListener#changed}): the agent that deleted it; null when the key's entry expired, or
     * when the store removes it on its own. Read only when {@link #action()} is {@link Action#REMOVE} (for a
     * {@code PUT}, the entry's owner is the writer).
     *
     * @return the deleting agent, or null for a removal by expiry
     * @since 1.1
     */
    default String agentId() {
        return null;
    }

    /**
     * @param entry the entry to store; not null
     * @return a decision to put it (for a store's own use, for instance when it restores entries)
     */
    static Decision put(MemoryEntry entry) {
        return new Decisions.Simple(Action.PUT, Objects.requireNonNull(entry, "entry"));
    }

    /** @return a decision to remove the key */
    static Decision remove() {
        return Decisions.REMOVE;
    }

    /** @return a decision to keep the key as it is */
    static Decision keep() {
        return Decisions.KEEP;
    }
}
