package io.sharedmemory.engine.internal.store;

import io.sharedmemory.engine.conformance.StoreConformance;
import io.sharedmemory.store.MemoryStore;

/** The engine's in-memory store passes the store conformance suite. */
class InMemoryStore_ConformanceTest extends StoreConformance {
    @Override
    protected MemoryStore newStore() {
        return new InMemoryStore();
    }
}
