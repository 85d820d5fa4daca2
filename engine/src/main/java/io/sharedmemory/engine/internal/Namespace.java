package io.sharedmemory.engine.internal;

import io.sharedmemory.api.NamespaceConfig;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;

/**
 * One namespace: its configuration, its entries and its subscribers' journal.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code gate}: every entry mutation (write, delete, expiry) holds it shared from its permission check to the end
 *       of its commit and event publication; clear, delete, reconfiguration, permission changes and subscribe hold it
 *       exclusively. So when one of those returns, no mutation that began under the previous state is still in
 *       flight: a write that starts after a revoke returns is checked against the new permissions, nothing is written
 *       into a cleared or deleted namespace after the call returned, and a subscriber sees every change committed
 *       after subscribe returned.</li>
 *   <li>{@code stored} equals the number of entries in {@code store} (live or expired-but-not-swept); it is changed only
 *       inside the store's per-key atomic step or under the exclusive gate, so {@code maxEntries} is never exceeded.</li>
 *   <li>{@code deleted} is set once, under the exclusive gate; after that nothing changes the namespace.</li>
 * </ul>
 */
final class Namespace {
    final String name;
    final SegmentedEntryStore store = new SegmentedEntryStore();
    final StampedLock gate = new StampedLock();
    final AtomicLong stored = new AtomicLong();
    final AtomicInteger subscriptions = new AtomicInteger();
    /** The live subscriptions, so that a permission change can end those whose agent may no longer read. */
    final java.util.Set<NamespaceSubscription> subscribers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** A lower bound of the deadlines of the stored entries: a full namespace is swept only once one has passed. */
    final AtomicLong earliestDeadline = new AtomicLong(Long.MAX_VALUE);
    volatile NamespaceConfig config;
    volatile long ttlMillis;
    volatile EventJournal journal;
    volatile boolean deleted;
    /** Whether any entry may carry a deadline: lets the sweeper skip namespaces that never had a TTL. */
    volatile boolean mayExpire;

    Namespace(String name, NamespaceConfig config) {
        this.name = name;
        configure(config);
    }

    void configure(NamespaceConfig config) {
        this.config = config;
        this.ttlMillis = config.ttl().toMillis();
        if (ttlMillis > 0) {
            mayExpire = true;
        }
    }

    /** Reserves room for one new key; call only inside the key's atomic step. */
    boolean reserve() {
        int max = config.maxEntries();
        if (max == 0) {
            stored.incrementAndGet();
            return true;
        }
        for (;;) {
            long n = stored.get();
            if (n >= max) {
                return false;
            }
            if (stored.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    EventJournal journalWithConsumers() {
        EventJournal j = journal;
        return j != null && j.hasConsumers() ? j : null;
    }
}
