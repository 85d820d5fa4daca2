package io.sharedmemory.engine.internal.step;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.engine.internal.events.EventJournal;
import io.sharedmemory.store.CommitHook;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.KeyStep;

/**
 * The per-key step of the sweeper: remove the key's entry if it is dead at {@code now}, keep it otherwise (a write
 * may have brought it back to life meanwhile). Its {@link #committed} publishes the EXPIRE with the last value.
 */
public final class ExpireStep implements KeyStep, Decision, CommitHook {
    final String namespace;
    final long now;
    private final EventJournal subscribers;

    Action action = Action.KEEP;
    /** The value of the entry removed, for the EXPIRE event. */
    Object lastValue;

    /** @param subscribers the namespace's journal when it has subscribers, else null */
    public ExpireStep(String namespace, long now, EventJournal subscribers) {
        this.namespace = namespace;
        this.now = now;
        this.subscribers = subscribers;
    }

    @Override
    public Decision decide(MemoryEntry current) {
        return current == null ? decide(null, 0, MemoryEntry.NO_EXPIRY)
                : decide(current, current.version(), current.expiresAtMillis());
    }

    @Override
    public Decision decide(MemoryEntry current, long version, long expiresAt) {
        if (current != null && now >= expiresAt) {
            action = Action.REMOVE;
            lastValue = current.value();
        } else {
            action = Action.KEEP;
            lastValue = null;
        }
        return this;
    }

    @Override
    public void committed(String key, Decision decision) {
        EventJournal j = subscribers;
        if (action == Action.REMOVE && j != null && j.hasConsumers()) {
            j.publish(new ChangeEvent(namespace, key, lastValue, SharedMemory.SYSTEM_AGENT, ChangeAction.EXPIRE, 0,
                    j.instant(now)));
        }
    }

    @Override
    public Action action() {
        return action;
    }

    @Override
    public MemoryEntry entry() {
        return null;
    }

    /** @return whether the entry was dead and is removed */
    public boolean removed() {
        return action == Action.REMOVE;
    }
}
