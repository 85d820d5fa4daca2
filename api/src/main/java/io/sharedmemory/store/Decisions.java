package io.sharedmemory.store;

import io.sharedmemory.api.MemoryEntry;

/** The plain decisions of {@link Decision}'s factories. */
final class Decisions {
    static final Decision KEEP = new Simple(Decision.Action.KEEP, null);
    static final Decision REMOVE = new Simple(Decision.Action.REMOVE, null);

    private Decisions() {
    }

    record Simple(Decision.Action action, MemoryEntry entry) implements Decision {
    }
}
