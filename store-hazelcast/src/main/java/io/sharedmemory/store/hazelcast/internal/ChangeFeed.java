package io.sharedmemory.store.hazelcast.internal;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import com.hazelcast.map.listener.MapEvictedListener;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.store.StoreListener;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The changes of one namespace, from every member, for the engine of this member: a Hazelcast map listener on the
 * namespace's entry map, turning each new record into the engine's change events.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Hazelcast delivers a key's events on one thread, in the order the key's owner published them; a record's
 *       revision rises by one per change. So each change is reported once and per key in order: an event whose
 *       revision is not above the last one seen for its key (same incarnation) is a duplicate and is dropped.</li>
 *   <li>Nothing is skipped silently: a revision more than one above the last seen, or a new incarnation of a key
 *       whose last change seen was not its removal, means changes were lost (events are not re-sent after a member
 *       fails, and an event queue that overflows drops them): the engine is told ({@code mayHaveMissed}) before the
 *       next change is reported. A member leaving the cluster, or this member merging into the cluster after a split,
 *       is reported for every key ({@link ClusterStore}); a key the merge brings from the other side, for that key.</li>
 *   <li>{@code own} holds the changes this store committed whose event has not arrived yet, for
 *       {@link #awaitReported}; an entry leaves it once an event at or past it arrived (or a loss was reported).</li>
 * </ul>
 */
final class ChangeFeed implements EntryAddedListener<String, byte[]>, EntryUpdatedListener<String, byte[]>,
        EntryRemovedListener<String, byte[]>, EntryExpiredListener<String, byte[]>,
        EntryEvictedListener<String, byte[]>, EntryMergedListener<String, byte[]>, MapClearedListener,
        MapEvictedListener {
    private final ClusterTable table;
    private final StoreListener listener;
    /** key → {incarnation, revision, 1 when the last change seen removed the entry}. */
    private final Map<String, long[]> seen = new ConcurrentHashMap<>();
    /** key → {incarnation, revision} of this store's latest change not yet seen. */
    private final Map<String, long[]> own = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    volatile java.util.UUID registration;

    ChangeFeed(ClusterTable table, StoreListener listener) {
        this.table = table;
        this.listener = listener;
    }

    @Override
    public void entryAdded(EntryEvent<String, byte[]> event) {
        record(event.getKey(), event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, byte[]> event) {
        record(event.getKey(), event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, byte[]> event) {
        gone(event);
    }

    @Override
    public void entryExpired(EntryEvent<String, byte[]> event) {
        gone(event);
    }

    @Override
    public void entryEvicted(EntryEvent<String, byte[]> event) {
        gone(event);
    }

    /**
     * The merge after a split offered the key's owner the other side's record. When the owner kept its own (the larger
     * side's records win) nothing changed here — the merging members are told by {@link ClusterStore} that anything may
     * have. When it took the other side's (a key this side lacked), the changes that made it were never reported here:
     * the key's subscribers are told, then given the record as it is.
     */
    @Override
    public void entryMerged(EntryEvent<String, byte[]> event) {
        if (java.util.Arrays.equals(event.getOldValue(), event.getValue())) {
            return;
        }
        String key = event.getKey();
        seen.remove(key);
        lost(key, "key \"" + key + "\" came from the other side of a split when the cluster merged; changes made "
                + "there were not reported here");
        record(key, event.getValue());
    }

    @Override
    public void mapCleared(MapEvent event) {
        lost(null, "the namespace's map was cleared outside the store");
    }

    @Override
    public void mapEvicted(MapEvent event) {
        lost(null, "the namespace's map was evicted outside the store");
    }

    /** A record left the map: a tombstone whose time was up (forget the key), or — never by this store — an entry. */
    private void gone(EntryEvent<String, byte[]> event) {
        byte[] old = event.getOldValue();
        seen.remove(event.getKey());
        if (old != null && EntryRecord.holdsEntry(old)) {
            lost(event.getKey(), "the entry was removed from the namespace's map outside the store");
        }
    }

    private void record(String key, byte[] bytes) {
        if (bytes == null) {
            return;
        }
        EntryRecord r = EntryRecord.parse(bytes);
        long[] last = seen.get(key);
        if (last != null && last[0] == r.base && r.rev <= last[1]) {
            return;
        }
        if (last != null && (last[0] == r.base ? r.rev > last[1] + 1 : last[2] == 0)) {
            listener.mayHaveMissed(table.namespace, key, "changes of key \"" + key + "\" were lost on their way "
                    + "to this member (a member failed or an event queue overflowed); re-read the key");
        }
        for (ChangeEvent e : events(key, r)) {
            listener.changed(e);
        }
        // only now: a writer that finds its change seen may count on its events being in the subscribers' queues
        seen.put(key, new long[] {r.base, r.rev, r.entry == null ? 1 : 0});
        long[] mine = own.get(key);
        if (mine != null && covered(key, mine)) {
            own.remove(key, mine);
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    private ChangeEvent[] events(String key, EntryRecord r) {
        String ns = table.namespace;
        Instant at = Instant.ofEpochMilli(r.at);
        switch (r.kind) {
            case EntryRecord.WRITE:
                return new ChangeEvent[] {write(key, table.decode(r.entry))};
            case EntryRecord.WRITE_OVER_DEAD:
                return new ChangeEvent[] {expire(key, table.decode(r.dead), at), write(key, table.decode(r.entry))};
            case EntryRecord.DELETE:
                return new ChangeEvent[] {new ChangeEvent(ns, key, null, r.agent, ChangeAction.DELETE, 0, at)};
            case EntryRecord.EXPIRE:
                return new ChangeEvent[] {expire(key, table.decode(r.dead), at)};
            case EntryRecord.REMOVED:
                return new ChangeEvent[] {new ChangeEvent(ns, key, null, SharedMemory.SYSTEM_AGENT,
                        ChangeAction.DELETE, 0, at)};
            default:
                return new ChangeEvent[0];
        }
    }

    private ChangeEvent write(String key, MemoryEntry e) {
        return new ChangeEvent(table.namespace, key, e.value(), e.ownerId(), ChangeAction.WRITE, e.version(),
                e.timestamp());
    }

    private ChangeEvent expire(String key, MemoryEntry dead, Instant at) {
        return new ChangeEvent(table.namespace, key, dead.value(), SharedMemory.SYSTEM_AGENT, ChangeAction.EXPIRE, 0,
                at);
    }

    /** Changes may have been lost (key null: any key); what this store awaited may never come. */
    void lost(String key, String reason) {
        if (key == null) {
            seen.clear();
        }
        own.clear();
        synchronized (progress) {
            progress.notifyAll();
        }
        listener.mayHaveMissed(table.namespace, key, reason);
    }

    /** This store committed a change to the key: {@link #awaitReported} waits until its event arrived. */
    void committed(String key, long base, long rev) {
        long[] mine = {base, rev};
        own.merge(key, mine, (a, b) -> a[0] == b[0] && a[1] >= b[1] ? a : b);
        if (covered(key, mine)) {
            own.remove(key, mine);
        }
    }

    private boolean covered(String key, long[] mine) {
        long[] last = seen.get(key);
        return last != null && (last[0] != mine[0] || last[1] >= mine[1]);
    }

    /** @return whether every change this store committed before the call has been reported */
    boolean awaitReported(Duration timeout) throws InterruptedException {
        Map<String, long[]> waited = new HashMap<>(own);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            for (Map.Entry<String, long[]> w : waited.entrySet()) {
                while (own.get(w.getKey()) != null && !covered(w.getKey(), w.getValue())) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(progress, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                }
            }
        }
        return true;
    }
}
