package io.sharedmemory.engine.internal.step;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.engine.internal.events.EventJournal;
import io.sharedmemory.store.CommitHook;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.KeyStep;

/**
 * The per-key step of one delete, and its decision: remove a live entry; keep a missing or dead key and say why (a
 * dead entry is reported as expired, by the sweeper, not deleted). Its {@link #committed} publishes the DELETE.
 */
public final class DeleteStep implements KeyStep, Decision, CommitHook {
    public static final String NOT_FOUND_TEXT = "Key not found";
    public static final String EXPIRED_TEXT = "Entry expired";

    final String namespace;
    final String agentId;
    final long now;
    private final EventJournal subscribers;

    Action action = Action.KEEP;
    /** Why nothing was deleted, or null when the entry was. */
    String failure;

    /** @param subscribers the namespace's journal when it has subscribers, else null */
    public DeleteStep(String namespace, String agentId, long now, EventJournal subscribers) {
        this.namespace = namespace;
        this.agentId = agentId;
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
        if (current == null) {
            action = Action.KEEP;
            failure = NOT_FOUND_TEXT;
        } else if (now >= expiresAt) {
            action = Action.KEEP;
            failure = EXPIRED_TEXT;
        } else {
            action = Action.REMOVE;
            failure = null;
        }
        return this;
    }

    @Override
    public void committed(String key, Decision decision) {
        EventJournal j = subscribers;
        if (action == Action.REMOVE && j != null && j.hasConsumers()) {
            j.publish(new ChangeEvent(namespace, key, null, agentId, ChangeAction.DELETE, 0, j.instant(now)));
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

    /** The deleting agent, which a shared store reports with the DELETE to the engines of other processes. */
    @Override
    public String agentId() {
        return agentId;
    }

    /** @return why nothing was deleted, or null when the entry was */
    public String failure() {
        return failure;
    }
}
