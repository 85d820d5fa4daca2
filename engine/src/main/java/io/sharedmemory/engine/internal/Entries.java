package io.sharedmemory.engine.internal;

import io.sharedmemory.api.EventType;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.engine.internal.step.DeleteStep;
import io.sharedmemory.engine.internal.step.WriteStep;
import io.sharedmemory.engine.internal.values.InvalidValueException;
import io.sharedmemory.engine.internal.values.Names;
import io.sharedmemory.engine.internal.values.Values;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.StoreException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The entry operations: write, read, delete, list.
 *
 * <h2>How one write goes</h2>
 * Validate the names and snapshot the value (no lock); find the namespace; take its gate shared; check the permission
 * and find the strategy in the operation's plugin snapshot; hand the store a {@link WriteStep}, which it runs
 * atomically for the key (and in whose region, for a store that runs steps here, the write claims its place in the
 * event streams); release the gate; then, outside every lock, record the operation and publish what nobody needs
 * ordered with the commit. A write that may add a key to a namespace with a limit reserves room first; one refused
 * for lack of room sweeps the namespace when an entry in it may be dead, and tries once more.
 */
final class Entries {
    static final String DENIED_TEXT = "Insufficient permissions";
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");

    private final Core core;
    private final Expiry expiry;

    Entries(Core core, Expiry expiry) {
        this.core = core;
        this.expiry = expiry;
    }

    /**
     * A store that fails outside the step — looking the key up, taking room, sweeping — fails the write before anything
     * was decided: {@code STORE_UNAVAILABLE}, never an exception (a failure of the step itself is answered in
     * {@link #commit}; a room not given back after it stays counted, see {@link #giveBack}).
     */
    WriteResult write(Operation op, Object value, WriteOptions options) {
        try {
            return writeChecked(op, value, options);
        } catch (StoreException e) {
            return op.refuseWrite(Status.STORE_UNAVAILABLE, 0, storeFailure(e));
        }
    }

    private WriteResult writeChecked(Operation op, Object value, WriteOptions options) {
        if (op.bareRefused()) {
            return deniedBeforeStart(op, Operation.SESSION_REQUIRED_TEXT);
        }
        String namespace = op.namespace;
        String key = op.key;
        // an existing namespace's name was checked when it was created, a stored key when it was first written
        Namespace ns = namespace == null ? null : core.namespaces.get(namespace);
        String err = ns != null
                ? Core.firstError(isStored(ns, key) ? null : Names.checkKey(key), core.checkAgent(op.agentId))
                : Core.firstError(Names.checkNamespace(namespace), Names.checkKey(key), core.checkAgent(op.agentId));
        if (err != null) {
            return op.refuseWrite(Status.INVALID, 0, err);
        }
        WriteOptions opts = options == null ? WriteOptions.none() : options;
        if (core.auditMissing(op.plugins)) {
            return WriteResult.refused(Status.AUDIT_UNAVAILABLE, 0, Core.AUDIT_UNAVAILABLE_TEXT);
        }
        if (ns == null) {
            return op.refuseWrite(Status.NO_NAMESPACE, 0, Core.missing(namespace));
        }
        Settings s = core.settings;
        Object snapshot;
        Map<String, Object> metadata;
        try {
            snapshot = Values.snapshot(value, s.maxValueBytes());
            metadata = Values.snapshotMetadata(opts.metadata(), s.maxValueBytes());
        } catch (InvalidValueException e) {
            op.restamp();
            // the names are valid and the namespace exists: report the key's version, as any refusal does, to an
            // agent that may read it
            long version = op.permission(ns).implies(Permission.READ) ? liveVersion(ns, key, op.now) : 0;
            return op.refuseWrite(Status.INVALID, version, e.getMessage());
        }
        // read once more, after the (possibly slow) snapshot: the step judges expiry at it
        op.restamp();
        WriteStep step = commit(op, ns, snapshot, metadata, opts, s);
        if (step == null) {
            // no room: sweep if an entry may be dead (a dead entry never counts against the limit), then once more
            expiry.sweepIfDead(ns, op.now, op.nanos);
            step = commit(op, ns, snapshot, metadata, opts, s);
            if (step == null) {
                return refusedWrite(op, snapshot, Status.NAMESPACE_FULL, 0, "Namespace full");
            }
        }
        if (step.expired() != null) {
            expiry.report(op.plugins, ns.name, List.of(key), op.nanos, op.now);
        }
        if (step.status() == Status.WRITTEN) {
            op.succeed();
            return WriteResult.written(step.version());
        }
        return refusedWrite(op, snapshot, step.status(), step.version(), step.message());
    }

    /**
     * A write refused before it started — a bare agent id in authenticated mode, a closed, expired or revoked session
     * (the refusal is already recorded) — is a denial like any other: it fires {@code memory:conflict}.
     */
    WriteResult deniedBeforeStart(Operation op, String why) {
        core.hub.publish(EventType.MEMORY_CONFLICT, op.namespace, op.key, op.agentId, null, "permission_denied",
                op.now);
        return WriteResult.refused(Status.DENIED, 0, why);
    }

    /** Records a refused write and fires {@code memory:conflict} for the refusals that are conflicts. */
    private WriteResult refusedWrite(Operation op, Object snapshot, Status status, long version, String message) {
        String reason = switch (status) {
            case DENIED -> "permission_denied";
            case REJECTED -> "conflict_rejected";
            case VERSION_MISMATCH -> "version_mismatch";
            case NAMESPACE_FULL -> "namespace_full";
            case STRATEGY_UNAVAILABLE -> "strategy_unavailable";
            default -> null;
        };
        WriteResult r = op.refuseWrite(status, version, message,
                status == Status.REJECTED ? WriteStep.REJECTED_TEXT : message);
        if (reason != null) {
            core.hub.publish(EventType.MEMORY_CONFLICT, op.namespace, op.key, op.agentId, snapshot, reason, op.now);
        }
        return r;
    }

    /**
     * Under the namespace's shared gate: the checks that must hold at the commit, then the step.
     *
     * @return the decided step (possibly a refusal), or null when the namespace has no room for the new key
     */
    private WriteStep commit(Operation op, Namespace ns, Object snapshot, Map<String, Object> metadata,
                             WriteOptions opts, Settings s) {
        String key = op.key;
        long stamp = ns.gate.readLock();
        try {
            WriteStep refusal = refusalUnderGate(op, ns);
            if (refusal != null) {
                return refusal;
            }
            ConflictStrategy strategy = op.plugins.strategies().get(ns.config.conflictStrategy());
            WriteStep step = new WriteStep(ns.name, key, ns.config, strategy, op.agentId, snapshot, metadata, opts,
                    op.now, ns.ttlMillis, s.maxValueBytes(), ns.journal, core.hub);
            if (strategy == null) {
                return step.refused(Status.STRATEGY_UNAVAILABLE, liveVersion(ns, key, op.now),
                        "Conflict strategy \"" + ns.config.conflictStrategy() + "\" is not available");
            }
            EntryTable table = ns.table;
            int limit = step.maxEntries();
            if (limit > 0 && table.get(key) == null) {
                if (!table.reserve(limit)) {
                    return null;
                }
                step.withRoom();
            }
            WriteStep decided;
            try {
                decided = apply(ns, key, step);
                if (decided.needsRoom()) {
                    // the key went away since it was looked at: a new key after all
                    if (!table.reserve(limit)) {
                        return null;
                    }
                    decided = apply(ns, key, step.withRoom());
                }
            } catch (StoreException e) {
                if (step.holdsRoom()) {
                    giveBack(ns, table);
                }
                return step.refused(Status.STORE_UNAVAILABLE, 0, storeFailure(e));
            }
            if (step.holdsRoom() && !decided.addedKey()) {
                giveBack(ns, table);
            }
            if (decided.status() == Status.REJECTED
                    && !core.plugins().strategies().containsKey(ns.config.conflictStrategy())) {
                return decided.refused(Status.STRATEGY_UNAVAILABLE, decided.version(), "Conflict strategy \""
                        + ns.config.conflictStrategy() + "\" went away during the write; nothing was stored");
            }
            return decided;
        } finally {
            ns.gate.unlockRead(stamp);
        }
    }

    /**
     * The store runs the step; the effects the key's order needs run in its region, or right after it. A store shared
     * with other processes reports the change to the subscribers of every process itself (this one's included), so
     * only the {@code memory:write} event, which reports this process's operations, is published here.
     */
    private WriteStep apply(Namespace ns, String key, WriteStep step) {
        Decision d;
        if (core.localStep) {
            d = ns.table.apply(key, step, step);
        } else {
            d = ns.table.apply(key, step, null);
            if (core.shared) {
                WriteStep w = (WriteStep) d;
                if (w.status() == Status.WRITTEN) {
                    core.hub.publish(EventType.MEMORY_WRITE, ns.name, key, w.entry().ownerId(), w.entry().value(), null,
                            w.entry().timestampMillis());
                }
            } else {
                ((WriteStep) d).committed(key, d);
            }
        }
        WriteStep decided = (WriteStep) d;
        if (decided.status() == Status.WRITTEN && decided.deadline() != MemoryEntry.NO_EXPIRY) {
            ns.noteDeadline(decided.deadline());
        }
        return decided;
    }

    /** Under the shared gate: a deleted namespace or a missing permission refuses the write. */
    private WriteStep refusalUnderGate(Operation op, Namespace ns) {
        if (ns.deleted) {
            return WriteStep.refusal(Status.NO_NAMESPACE, 0, Core.missing(ns.name));
        }
        Permission granted = op.permission(ns);
        if (!granted.implies(Permission.WRITE)) {
            return WriteStep.refusal(Status.DENIED,
                    granted.implies(Permission.READ) ? liveVersion(ns, op.key, op.now) : 0, DENIED_TEXT);
        }
        return null;
    }

    /**
     * Gives back a room the step did not use. After the step decided, its outcome stands: a store that cannot give the
     * room back leaves it counted (the namespace then holds one entry fewer than its limit, never one more).
     */
    private static void giveBack(Namespace ns, EntryTable table) {
        try {
            table.release();
        } catch (StoreException e) {
            LOG.log(System.Logger.Level.WARNING, "a room of namespace {0} stays counted: {1}", ns.name,
                    e.getMessage());
        }
    }

    static String storeFailure(StoreException e) {
        return "Store unavailable: " + e.getMessage() + (e.outcomeUnknown()
                ? " (the store cannot tell whether the change was kept)" : " (nothing was changed)");
    }

    static long liveVersion(Namespace ns, String key, long now) {
        MemoryEntry cur = ns.table.get(key);
        return cur == null || cur.isExpiredAt(now) ? 0 : cur.version();
    }

    private static boolean isStored(Namespace ns, String key) {
        return key != null && ns.table.get(key) != null;
    }

    // ---------------------------------------------------------------- reads

    <T> T read(Operation op) {
        if (op.bareRefused()) {
            return null;
        }
        @SuppressWarnings("unchecked")
        T value = (T) lookup(op, false);
        return value;
    }

    Optional<MemoryEntry> readEntry(Operation op) {
        return op.bareRefused() ? Optional.empty() : Optional.ofNullable((MemoryEntry) lookup(op, true));
    }

    private static final Object MISSING = new Object();

    /**
     * A read: the live entry (wantEntry) or its value, or null after recording why not. A value read never touches
     * the entry object when the store keeps the value beside it. The found entry's path is kept small enough for the
     * JIT to inline it into the public operation, so the {@link Operation} of a successful read is never allocated;
     * every refusal of a found entry's namespace or key goes through {@link #refusedRead}.
     */
    private Object lookup(Operation op, boolean wantEntry) {
        Namespace ns = op.namespace == null ? null : core.namespaces.get(op.namespace);
        Object found = MISSING;
        if (ns != null && op.key != null) {
            try {
                if (wantEntry) {
                    MemoryEntry e = ns.reads.get(op.key);
                    found = e == null ? MISSING : e.isExpiredAt(op.now) ? EntryTable.EXPIRED : e;
                } else {
                    Object v = ns.reads.liveValue(op.key, op.now);
                    found = v == null ? MISSING : v;
                }
            } catch (StoreException e) {
                return op.refuseNull(storeFailure(e));
            }
        }
        if (found == MISSING || found == EntryTable.EXPIRED) {
            return refusedRead(op, ns, found);
        }
        // names already stored were checked when they were created or written
        String err = core.checkAgent(op.agentId);
        if (err != null) {
            return op.refuseNull(err);
        }
        if (core.auditMissing(op.plugins)) {
            return null;
        }
        if (!op.permission(ns).implies(Permission.READ)) {
            return op.refuseNull(DENIED_TEXT);
        }
        op.succeed();
        core.hub.publish(EventType.MEMORY_READ, op.namespace, op.key, op.agentId,
                wantEntry ? ((MemoryEntry) found).value() : found, null, op.now);
        return found;
    }

    /** A read that found no live entry (ns is null when the namespace does not exist): why, in the checks' order. */
    private Object refusedRead(Operation op, Namespace ns, Object found) {
        String err = found != MISSING ? core.checkAgent(op.agentId)
                : ns != null ? Core.firstError(Names.checkKey(op.key), core.checkAgent(op.agentId))
                : Core.firstError(Names.checkNamespace(op.namespace), Names.checkKey(op.key),
                        core.checkAgent(op.agentId));
        if (err != null) {
            return op.refuseNull(err);
        }
        if (core.auditMissing(op.plugins)) {
            return null;
        }
        if (ns == null) {
            return op.refuseNull(Core.missing(op.namespace));
        }
        if (!op.permission(ns).implies(Permission.READ)) {
            return op.refuseNull(DENIED_TEXT);
        }
        return op.refuseNull(found == MISSING ? DeleteStep.NOT_FOUND_TEXT : DeleteStep.EXPIRED_TEXT);
    }

    boolean delete(Operation op) {
        if (op.bareRefused()) {
            return false;
        }
        String err = Core.firstError(Names.checkNamespace(op.namespace), Names.checkKey(op.key),
                core.checkAgent(op.agentId));
        if (err != null) {
            return op.refuse(err);
        }
        if (core.auditMissing(op.plugins)) {
            return false;
        }
        Namespace ns = core.namespaces.get(op.namespace);
        if (ns == null) {
            return op.refuse(Core.missing(op.namespace));
        }
        String failure;
        long stamp = ns.gate.readLock();
        try {
            if (ns.deleted) {
                failure = Core.missing(op.namespace);
            } else if (!op.permission(ns).implies(Permission.WRITE)) {
                failure = DENIED_TEXT;
            } else {
                DeleteStep step = new DeleteStep(ns.name, op.agentId, op.now, ns.journal);
                try {
                    DeleteStep decided;
                    if (core.localStep) {
                        decided = (DeleteStep) ns.table.apply(op.key, step, step);
                    } else {
                        decided = (DeleteStep) ns.table.apply(op.key, step, null);
                        if (!core.shared) {
                            decided.committed(op.key, decided);
                        }
                    }
                    failure = decided.failure();
                } catch (StoreException e) {
                    failure = storeFailure(e);
                }
            }
        } finally {
            ns.gate.unlockRead(stamp);
        }
        if (failure != null) {
            return op.refuse(failure);
        }
        op.succeed();
        return true;
    }

    List<String> keys(Operation op) {
        if (op.bareRefused()) {
            return null;
        }
        Map<String, Object> all = snapshotOf(op);
        return all == null ? null : Collections.unmodifiableList(new ArrayList<>(all.keySet()));
    }

    Map<String, Object> all(Operation op) {
        if (op.bareRefused()) {
            return null;
        }
        Map<String, Object> all = snapshotOf(op);
        return all == null ? null : Collections.unmodifiableMap(all);
    }

    private Map<String, Object> snapshotOf(Operation op) {
        String err = Core.firstError(Names.checkNamespace(op.namespace), Names.checkAgent(op.agentId));
        if (err != null) {
            return op.refuseNull(err);
        }
        if (core.auditMissing(op.plugins)) {
            return null;
        }
        Namespace ns = core.namespaces.get(op.namespace);
        if (ns == null) {
            return op.refuseNull(Core.missing(op.namespace));
        }
        if (!op.permission(ns).implies(Permission.READ)) {
            return op.refuseNull(DENIED_TEXT);
        }
        // sorted by key: a stable, predictable order whatever the store's own iteration order
        Map<String, Object> live = new TreeMap<>();
        long now = op.now;
        try {
            ns.table.forEach((k, e) -> {
                if (!e.isExpiredAt(now)) {
                    live.put(k, e.value());
                }
            });
        } catch (StoreException e) {
            return op.refuseNull(storeFailure(e));
        }
        op.succeed();
        return new LinkedHashMap<>(live);
    }
}
