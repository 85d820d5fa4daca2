package io.sharedmemory.engine.internal;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.engine.internal.events.EventJournal;
import io.sharedmemory.engine.internal.events.NamespaceSubscription;
import io.sharedmemory.store.EntryTable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.StampedLock;

/**
 * One namespace as the engine holds it: its configuration, its store table, its subscribers' journal and its gate.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code gate}: every entry change (write, delete, expiry) holds it shared from its permission check to the end
 *       of its commit and event publication; creation over it, reconfiguration, clear, delete, permission changes and
 *       subscribe hold it exclusively, and check the acting agent's permission under it. So when one of those
 *       returns, nothing that began under the previous state is still in flight: a write that starts after a revoke
 *       returned is checked against the new permissions, a revoked admin can no longer act, nothing is written into a
 *       cleared or deleted namespace after the call returned, and a subscriber sees every change committed after
 *       subscribe returned.</li>
 *   <li>The table counts its keys and reserved rooms exactly ({@link EntryTable#reserve}), so {@code maxEntries} is
 *       never exceeded.</li>
 *   <li>{@code deleted} is set once, under the exclusive gate; after that nothing changes the namespace.</li>
 *   <li>The deadline bound is at most the deadline of every stored entry: a commit that installs a deadline notes it
 *       (moving the bound's version), and a sweep raises the bound, to the earliest deadline it saw alive, only if no
 *       deadline was noted while it scanned. So a namespace that is full while the bound is in the future holds no
 *       dead entry, and a full namespace is swept only when one may be dead.</li>
 * </ul>
 */
final class Namespace {
    final String name;
    final EntryTable table;
    /** What reads go through: {@link EntryTable#reads()} of the table (the memory table a durable store wraps). */
    final EntryTable reads;
    final StampedLock gate = new StampedLock();
    /** The live subscriptions, so that a permission change can end those whose agent may no longer read. */
    final Set<NamespaceSubscription> subscribers = ConcurrentHashMap.newKeySet();
    private final AtomicReference<DeadlineBound> earliest = new AtomicReference<>(DeadlineBound.NONE);
    volatile NamespaceConfig config;
    volatile long ttlMillis;
    volatile EventJournal journal;
    volatile boolean deleted;
    /** Whether any entry may carry a deadline: lets the sweeper skip namespaces that never had a TTL. */
    volatile boolean mayExpire;

    Namespace(String name, NamespaceConfig config, EntryTable table) {
        this.name = name;
        this.table = table;
        this.reads = table.reads();
        configure(config);
    }

    void configure(NamespaceConfig config) {
        this.config = config;
        this.ttlMillis = config.ttl().toMillis();
        if (ttlMillis > 0) {
            mayExpire = true;
        }
    }

    /**
     * A lower bound of the stored entries' deadlines, and a version that every noted deadline moves on: a sweep
     * raises the bound only when no deadline was noted while it scanned (see {@link #raiseDeadlineBound}).
     */
    record DeadlineBound(long deadline, long version) {
        static final DeadlineBound NONE = new DeadlineBound(Long.MAX_VALUE, 0);
    }

    /** After a commit that installed an entry with this deadline (in the key's atomic region or after it). */
    void noteDeadline(long deadline) {
        mayExpire = true;
        for (;;) {
            DeadlineBound b = earliest.get();
            // a new version even when the bound stays: a sweep that did not see this entry must not raise past it
            if (earliest.compareAndSet(b, new DeadlineBound(Math.min(b.deadline(), deadline), b.version() + 1))) {
                return;
            }
        }
    }

    /** @return the bound as it is now: no stored entry has an earlier deadline */
    DeadlineBound deadlineBound() {
        return earliest.get();
    }

    /**
     * After a sweep that removed every entry dead at its time and saw the others: raises the bound to the earliest
     * deadline it saw alive, unless a deadline was noted since {@code before} (an entry the scan may have missed).
     */
    void raiseDeadlineBound(DeadlineBound before, long earliestAlive) {
        earliest.compareAndSet(before, new DeadlineBound(earliestAlive, before.version() + 1));
    }

    EventJournal journalWithConsumers() {
        EventJournal j = journal;
        return j != null && j.hasConsumers() ? j : null;
    }
}
