package io.sharedmemory.engine.conformance;

import io.sharedmemory.engine.internal.step.StepCodec;
import io.sharedmemory.engine.internal.store.SegmentedEntryStore;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.StoreCodec;
import io.sharedmemory.store.StoreContext;
import java.time.Clock;

/**
 * The context the engine gives a store, for tests of a store on its own: the engine's in-memory tables and its codec
 * (steps read here find no namespace and no strategy: they decide as a process without them would).
 */
public final class TestStoreContext implements StoreContext {
    private final Clock clock;
    private final StoreCodec codec = new StepCodec(ns -> null, name -> null);

    public TestStoreContext() {
        this(Clock.systemUTC());
    }

    public TestStoreContext(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public EntryTable newMemoryTable() {
        return new SegmentedEntryStore();
    }

    @Override
    public StoreCodec codec() {
        return codec;
    }
}
