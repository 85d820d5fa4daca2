package io.sharedmemory.store;

/**
 * The engine's effects of a decision that must happen in the key's atomic region (claiming the event streams'
 * positions, so that listeners see each key's changes in commit order). Called only by stores with
 * {@link StoreCapability#LOCAL_STEP}, once per {@link EntryTable#apply}, after the decision is installed and before
 * any later step of the key runs. Never throws; does no I/O.
 */
@FunctionalInterface
public interface CommitHook {
    /**
     * @param key the key
     * @param decision the decision just installed (also for {@link Decision.Action#KEEP})
     */
    void committed(String key, Decision decision);
}
