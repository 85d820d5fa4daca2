package io.sharedmemory.store;

import java.time.Clock;
import org.osgi.annotation.versioning.ProviderType;

/** What the engine gives the store it opens. */
@ProviderType
public interface StoreContext {
    /** @return the memory's clock (the one that stamps entries and judges deadlines) */
    Clock clock();

    /**
     * @return a new, empty table of the engine's own in-memory kind (lock-free reads, per-key atomic steps, exact
     *         room), for a store that keeps its entries in memory for reads and persists them beside it — a durable
     *         store wraps one, running each step through it and logging the decision from inside the step
     */
    EntryTable newMemoryTable();

    /** @return the binary form of entries (and, for stores that run steps elsewhere, of steps and decisions) */
    StoreCodec codec();

    /**
     * @return whom a {@link StoreCapability#SHARED} store tells about what happens in other processes; the engine's
     *         own listener, or {@link StoreListener#NONE} for a context without an engine (a store's own tests)
     * @since 1.1
     */
    default StoreListener listener() {
        return StoreListener.NONE;
    }
}
