package io.sharedmemory.engine.internal.store;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.EntryTable;
import java.util.function.BiFunction;

/** Tests' shorthand: an update of a key by a function of its entry, as a step that puts, removes or keeps. */
public final class TableUpdates {
    private TableUpdates() {
    }

    /**
     * @param fn (key, current entry or null) → the entry to store, null to remove, or the current one to keep
     * @return the entry the key holds afterwards, or null
     */
    public static MemoryEntry update(EntryTable table, String key, BiFunction<String, MemoryEntry, MemoryEntry> fn) {
        Decision d = table.apply(key, current -> {
            MemoryEntry next = fn.apply(key, current);
            return next == current ? Decision.keep() : next == null ? Decision.remove() : Decision.put(next);
        }, null);
        return d.action() == Decision.Action.PUT ? d.entry() : d.action() == Decision.Action.REMOVE ? null
                : table.get(key);
    }
}
