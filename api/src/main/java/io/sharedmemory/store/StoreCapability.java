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
     * engine about what happens elsewhere through {@link StoreContext#listener()}: namespaces created, reconfigured
     * or dropped by other processes, every entry change committed anywhere (its own included: the engine then
     * delivers changes to subscribers only from there, so that each key's changes arrive in one order), broadcasts
     * from other processes, and changes that may have been lost. The engine drives it with the methods of
     * {@link MemoryStore} marked as being for shared stores ({@link MemoryStore#listen}, {@link
     * MemoryStore#awaitReported}, {@link MemoryStore#broadcast}, {@link MemoryStore#awaitNamespace}). Its
     * {@link EntryTable#reserve rooms} are counted across every process.
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
