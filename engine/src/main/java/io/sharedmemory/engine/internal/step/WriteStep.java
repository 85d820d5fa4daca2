package io.sharedmemory.engine.internal.step;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.engine.internal.events.EventHub;
import io.sharedmemory.engine.internal.events.EventJournal;
import io.sharedmemory.engine.internal.values.InvalidValueException;
import io.sharedmemory.engine.internal.values.Values;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.Resolution;
import io.sharedmemory.store.CommitHook;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.KeyStep;
import java.time.Instant;
import java.util.Map;

/**
 * The per-key step of one write, and its decision: treat an entry past its deadline as absent, check the expected
 * version, ask the strategy only when a live entry exists, ask for room when the key is new to a namespace with a
 * limit, decide the entry to install with version + 1. Pure: it reads its fields and the current entry, and a second
 * run decides the same. Its {@link #committed} claims the write's place in the event streams, in the key's region for
 * a store that runs steps here. Used once, by one thread (the store's, for the decision; the caller's, after).
 */
public final class WriteStep implements KeyStep, Decision, CommitHook {
    public static final String REJECTED_TEXT = "Conflict resolution rejected write";

    // what to decide
    final String namespace;
    final String key;
    final NamespaceConfig config;
    final ConflictStrategy strategy;
    final String agentId;
    final Object value;
    final Map<String, Object> metadata;
    final WriteOptions options;
    final long now;
    final long ttlMillis;
    final long maxValueBytes;
    final long expectedVersion;
    /** 0 when the namespace has no limit: then a new key needs no reservation. */
    final int maxEntries;
    boolean holdsRoom;
    // where the effects go (null for a step decided in another process)
    private final EventJournal subscribers;
    private final EventHub hub;

    // the decision and the outcome
    Action action = Action.KEEP;
    MemoryEntry entry;
    Status status;
    long version;
    String message;
    /** The key is new to the namespace and the step holds no room: reserve and run again. */
    boolean needsRoom;
    /** The entry past its deadline that this write replaced: reported as expired after the commit. */
    MemoryEntry expired;
    /** The key held no entry at all (not even a dead one). */
    boolean wasAbsent;

    /**
     * @param strategy the namespace's strategy, resolved by the caller (absent: the caller refuses before the step)
     * @param subscribers the namespace's journal when it has subscribers, else null
     */
    public WriteStep(String namespace, String key, NamespaceConfig config, ConflictStrategy strategy, String agentId,
                     Object value,
                     Map<String, Object> metadata, WriteOptions options, long now, long ttlMillis, long maxValueBytes,
                     EventJournal subscribers, EventHub hub) {
        this.namespace = namespace;
        this.key = key;
        this.config = config;
        this.strategy = strategy;
        this.agentId = agentId;
        this.value = value;
        this.metadata = metadata;
        this.options = options;
        this.now = now;
        this.ttlMillis = ttlMillis;
        this.maxValueBytes = maxValueBytes;
        this.expectedVersion = options.expectedVersion().orElse(-1);
        this.maxEntries = config.maxEntries();
        this.subscribers = subscribers;
        this.hub = hub;
    }

    /** A write refused before any step could run (a deleted namespace, a missing permission). */
    private WriteStep(Status status, long version, String message) {
        this.namespace = null;
        this.key = null;
        this.config = null;
        this.strategy = null;
        this.agentId = null;
        this.value = null;
        this.metadata = null;
        this.options = null;
        this.now = 0;
        this.ttlMillis = 0;
        this.maxValueBytes = 0;
        this.expectedVersion = -1;
        this.maxEntries = 0;
        this.subscribers = null;
        this.hub = null;
        this.status = status;
        this.version = version;
        this.message = message;
    }

    /** @return the outcome of a write refused before its step */
    public static WriteStep refusal(Status status, long version, String message) {
        return new WriteStep(status, version, message);
    }

    /** Turns this step's outcome into a refusal (nothing is installed by it any more). */
    public WriteStep refused(Status status, long version, String message) {
        reset();
        this.status = status;
        this.version = version;
        this.message = message;
        return this;
    }

    /** @return the namespace's limit of entries when the step was made; 0 for none */
    public int maxEntries() {
        return maxEntries;
    }

    /** Runs again holding the room reserved for a new key; forgets the last decision. */
    public WriteStep withRoom() {
        holdsRoom = true;
        reset();
        return this;
    }

    private void reset() {
        action = Action.KEEP;
        entry = null;
        status = null;
        version = 0;
        message = null;
        needsRoom = false;
        expired = null;
        wasAbsent = false;
    }

    @Override
    public boolean holdsRoom() {
        return holdsRoom;
    }

    @Override
    public Decision decide(MemoryEntry current) {
        return current == null ? decide(null, 0, MemoryEntry.NO_EXPIRY)
                : decide(current, current.version(), current.expiresAtMillis());
    }

    @Override
    public Decision decide(MemoryEntry current, long currentEntryVersion, long currentExpiresAt) {
        reset();
        wasAbsent = current == null;
        boolean live = current != null && now < currentExpiresAt;
        long currentVersion = live ? currentEntryVersion : 0;
        version = currentVersion;
        if (strategy == null) {
            // only a step decided in another process gets here: there the caller found the strategy, here it is
            // missing, so the write is refused as the caller's process would refuse it, new keys included
            status = Status.STRATEGY_UNAVAILABLE;
            message = "Conflict strategy \"" + config.conflictStrategy() + "\" is not available on the cluster member "
                    + "that owns the key";
            return this;
        }
        if (expectedVersion >= 0 && expectedVersion != currentVersion) {
            status = Status.VERSION_MISMATCH;
            message = "Version mismatch: expected " + expectedVersion + ", current " + currentVersion;
            return this;
        }
        if (current == null && maxEntries > 0 && !holdsRoom) {
            needsRoom = true;
            return this;
        }
        long deadline = ttlMillis == 0 ? MemoryEntry.NO_EXPIRY : now + ttlMillis;
        MemoryEntry incoming = MemoryEntry.of(value, agentId, now, currentVersion + 1, metadata, deadline);
        MemoryEntry result = live ? resolve(current, incoming, deadline) : incoming;
        if (result == null) {
            return this;
        }
        if (current != null && !live) {
            expired = current;
        }
        status = Status.WRITTEN;
        version = result.version();
        action = Action.PUT;
        entry = result;
        return this;
    }

    private MemoryEntry resolve(MemoryEntry live, MemoryEntry incoming, long deadline) {
        Resolution r;
        try {
            if (strategy.acceptsEveryWrite()) {
                return incoming;
            }
            r = strategy.resolve(live, incoming, new ConflictContext(namespace, key, agentId, options, config));
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (RuntimeException | Error e) {
            status = Status.REJECTED;
            message = REJECTED_TEXT + ": strategy \"" + config.conflictStrategy() + "\" failed: " + e;
            return null;
        }
        if (r == null) {
            status = Status.REJECTED;
            message = REJECTED_TEXT + ": strategy \"" + config.conflictStrategy() + "\" returned no decision";
            return null;
        }
        switch (r.kind()) {
            case ACCEPT:
                return incoming;
            case REJECT:
                status = Status.REJECTED;
                message = r.reason() == null ? REJECTED_TEXT : REJECTED_TEXT + ": " + r.reason();
                return null;
            default:
                try {
                    Object v = Values.snapshot(r.value(), maxValueBytes);
                    Map<String, Object> m = r.metadata() == null ? metadata
                            : Values.snapshotMetadata(r.metadata(), maxValueBytes);
                    return MemoryEntry.of(v, agentId, now, incoming.version(), m, deadline);
                } catch (InvalidValueException e) {
                    status = Status.REJECTED;
                    message = REJECTED_TEXT + ": strategy \"" + config.conflictStrategy()
                            + "\" produced a value the memory cannot store: " + e.getMessage();
                    return null;
                }
        }
    }

    /** Claims the write's place in the event streams: in the key's region, so that each key's order is kept. */
    @Override
    public void committed(String key, Decision decision) {
        if (status != Status.WRITTEN) {
            return;
        }
        Instant at = null;
        EventJournal j = subscribers;
        if (j != null && j.hasConsumers()) {
            at = j.instant(now);
            if (expired != null) {
                j.publish(new ChangeEvent(namespace, key, expired.value(), SharedMemory.SYSTEM_AGENT,
                        ChangeAction.EXPIRE, 0, at));
            }
            j.publish(new ChangeEvent(namespace, key, entry.value(), agentId, ChangeAction.WRITE, entry.version(), at));
        }
        EventJournal writes = hub == null ? null : hub.listened(EventType.MEMORY_WRITE);
        if (writes != null) {
            writes.publish(new MemoryEvent(EventType.MEMORY_WRITE, namespace, key, agentId, entry.value(), null,
                    at == null ? writes.instant(now) : at));
        }
    }

    @Override
    public Action action() {
        return action;
    }

    @Override
    public MemoryEntry entry() {
        return entry;
    }

    /** @return the outcome; null when the step asked for room ({@link #needsRoom()}) */
    public Status status() {
        return status;
    }

    /** @return the key's version after the step (the new one when written, the current one otherwise) */
    public long version() {
        return version;
    }

    /** @return why the write was refused, or null */
    public String message() {
        return message;
    }

    /** @return whether the key is new and the step must run again holding room */
    public boolean needsRoom() {
        return needsRoom;
    }

    /** @return the dead entry this write replaced, or null */
    public MemoryEntry expired() {
        return expired;
    }

    /** @return the deadline of the entry written, or {@link MemoryEntry#NO_EXPIRY} */
    public long deadline() {
        return entry == null ? MemoryEntry.NO_EXPIRY : entry.expiresAtMillis();
    }

    /** @return whether this write added a key to the namespace (it took room) */
    public boolean addedKey() {
        return action == Action.PUT && wasAbsent;
    }
}
