package io.sharedmemory.engine.internal.store;

import io.sharedmemory.engine.conformance.StoreLinearizabilityBase;
import io.sharedmemory.store.MemoryStore;

/** The engine's in-memory store's tables are linearizable (the Lincheck base every store passes). */
public class InMemoryStore_LinearizabilityTest extends StoreLinearizabilityBase {
    @Override
    protected MemoryStore newStore() {
        return new InMemoryStore();
    }
}
