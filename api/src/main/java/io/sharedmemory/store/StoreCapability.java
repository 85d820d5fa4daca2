package io.sharedmemory.store;

/**
 * What a {@link MemoryStore} can do or promises. The engine drives a store by its capabilities, never by its class.
 */
public enum StoreCapability {
    /**
     * Survives a restart of the process: what {@link MemoryStore#open} returns and what its tables hold after a
     * restart is what was stored before it, up to the store's own durability promise (which {@link
     * MemoryStore#describe()} states).
     */
    DURABLE,
    /**
     * Other processes see the same namespaces and entries at the same time (a cluster). Such a store tells the
     * engine about changes made elsewhere through the {@link StoreContext}.
     */
    SHARED,
    /**
     * Runs each {@link KeyStep} in this process, exactly once, inside the key's atomic region, and calls the
     * engine's {@link CommitHook} there once the decision is installed. The engine then performs in the same region
     * the effects whose order must match the commit order of the key (it claims the event streams' positions there).
     * A store without it may run a step elsewhere and more than once (it must then be pure, which every engine step
     * is); the engine performs its effects after {@link EntryTable#apply} returns.
     */
    LOCAL_STEP
}
