package io.sharedmemory.engine.internal;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.Resolution;
import java.time.Instant;
import java.util.Map;

/**
 * The per-key atomic step of one write: version check, strategy, room, install, and the claim of the write's place in
 * every event stream (inside the step, so that listeners see writes of a key in commit order). Used once, by one thread.
 */
final class WriteCommit implements SegmentedEntryStore.KnownEntryUpdate {
    static final String REJECTED_TEXT = "Conflict resolution rejected write";

    private final Namespace ns;
    private final NamespaceConfig config;
    ConflictStrategy strategy;
    private final EventHub hub;
    private final String agentId;
    private final Object value;
    private final Map<String, Object> metadata;
    private final WriteOptions options;
    private final long now;
    private final long maxValueBytes;
    private final long expectedVersion;

    Status status;
    long version;
    String message;
    /** The expired entry this write replaced, if any: reported as an expiry after the commit. */
    MemoryEntry expired;

    WriteCommit(Namespace ns, NamespaceConfig config, ConflictStrategy strategy, EventHub hub, String agentId,
                Object value, Map<String, Object> metadata, WriteOptions options, long now, long maxValueBytes) {
        this.ns = ns;
        this.config = config;
        this.strategy = strategy;
        this.hub = hub;
        this.agentId = agentId;
        this.value = value;
        this.metadata = metadata;
        this.options = options;
        this.now = now;
        this.maxValueBytes = maxValueBytes;
        this.expectedVersion = options.expectedVersion().orElse(-1);
    }

    @Override
    public MemoryEntry apply(String key, MemoryEntry current, long currentEntryVersion, long currentExpiresAt) {
        MemoryEntry live = current;
        if (current != null && now >= currentExpiresAt) {
            live = null;
        }
        long currentVersion = live == null ? 0 : currentEntryVersion;
        version = currentVersion;
        if (expectedVersion >= 0 && expectedVersion != currentVersion) {
            status = Status.VERSION_MISMATCH;
            message = "Version mismatch: expected " + expectedVersion + ", current " + currentVersion;
            return current;
        }
        long ttl = ns.ttlMillis;
        long deadline = ttl == 0 ? MemoryEntry.NO_EXPIRY : now + ttl;
        MemoryEntry incoming = MemoryEntry.of(value, agentId, now, currentVersion + 1, metadata, deadline);
        MemoryEntry result = incoming;
        if (live != null) {
            result = decide(key, live, incoming, deadline);
            if (result == null) {
                return current;
            }
        } else if (current == null && !ns.reserve()) {
            status = Status.NAMESPACE_FULL;
            message = "Namespace full";
            return null;
        }
        if (current != null && live == null) {
            expired = current;
        }
        status = Status.WRITTEN;
        version = result.version();
        if (deadline != MemoryEntry.NO_EXPIRY && deadline < ns.earliestDeadline.get()) {
            ns.earliestDeadline.accumulateAndGet(deadline, Math::min);
        }
        publish(key, result);
        return result;
    }

    private MemoryEntry decide(String key, MemoryEntry live, MemoryEntry incoming, long deadline) {
        Resolution r;
        try {
            if (strategy.acceptsEveryWrite()) {
                return incoming;
            }
            r = strategy.resolve(live, incoming, new ConflictContext(ns.name, key, agentId, options, config));
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

    private void publish(String key, MemoryEntry result) {
        Instant at = null;
        EventJournal subscribers = ns.journalWithConsumers();
        if (subscribers != null) {
            at = subscribers.instant(now);
            if (expired != null) {
                subscribers.publish(new ChangeEvent(ns.name, key, expired.value(), SharedMemory.SYSTEM_AGENT,
                        ChangeAction.EXPIRE, 0, at));
            }
            subscribers.publish(new ChangeEvent(ns.name, key, result.value(), agentId, ChangeAction.WRITE,
                    result.version(), at));
        }
        EventJournal writes = hub.listened(EventType.MEMORY_WRITE);
        if (writes != null) {
            writes.publish(new MemoryEvent(EventType.MEMORY_WRITE, ns.name, key, agentId, result.value(), null,
                    at == null ? writes.instant(now) : at));
        }
    }
}
