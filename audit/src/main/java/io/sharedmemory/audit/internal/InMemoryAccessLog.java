package io.sharedmemory.audit.internal;

import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.spi.AccessLog;
import io.sharedmemory.spi.AuditSink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.osgi.service.component.annotations.Component;

/**
 * The bounded in-memory access log: keeps the newest {@link #capacity()} entries (default {@value #DEFAULT_CAPACITY})
 * and answers {@code getAccessLog} queries from them. Recording costs the same whatever the capacity: one counter
 * increment and one slot write, no lock, no copying.
 *
 * <p>Registered as both {@link AuditSink} and {@link AccessLog} (one service, ranking 0) inside OSGi; found as an
 * {@link AuditSink} by {@link java.util.ServiceLoader} outside. The engine sets the capacity to its {@code maxLogSize}
 * with {@link #capacity(int)}.
 */
@Component(service = {AuditSink.class, AccessLog.class}, property = "service.ranking:Integer=0")
public final class InMemoryAccessLog implements AccessLog {
    /*
     * Invariants.
     * - Each recorded entry takes a unique sequence number from the current ring's tail counter (getAndIncrement), so
     *   sequence order is one total order that agrees with every thread's own order of record() calls.
     * - Slot (seq % capacity) holds the published node with the highest sequence number mapped to it: a writer only
     *   replaces a node with a lower number (CAS), so a writer stalled between claiming and publishing can never
     *   overwrite a newer entry.
     * - A query reads the tail t once and returns the nodes numbered [max(floor, t - capacity), t) that are in their
     *   slot, oldest first. Claimed-but-unpublished numbers are skipped, so a query never waits on a writer; an entry
     *   whose record() returned before the query began is returned unless capacity newer ones followed it.
     * - capacity(n) seals the ring by adding SEALED to its tail, waits until every number claimed before the seal is
     *   published (a writer is a few instructions from doing so), copies the newest entries into a new ring that
     *   continues the numbering (its floor is the oldest number it holds), and publishes it through the volatile
     *   `ring`. Writers and queries that meet a sealed ring spin until its successor is published. Resizes are
     *   serialized and rare (the engine's maxLogSize).
     */

    /** The capacity of a new log. */
    public static final int DEFAULT_CAPACITY = 1000;

    private static final long SEALED = 1L << 62;

    private static final class Node {
        // set once, before the node is published by the CAS that makes it visible (never changed after)
        long seq;
        final AccessLogEntry entry;

        Node(AccessLogEntry entry) {
            this.entry = entry;
        }
    }

    private static final class Ring {
        final int capacity;
        final AtomicReferenceArray<Node> slots;
        final AtomicLong tail;
        /** The lowest number this ring can hold: those below were dropped by a resize. */
        final long floor;

        Ring(int capacity, long floor, long start) {
            this.capacity = capacity;
            this.slots = new AtomicReferenceArray<>(capacity);
            this.floor = floor;
            this.tail = new AtomicLong(start);
        }

        long oldest(long tail) {
            return Math.max(floor, tail - capacity);
        }

        int index(long seq) {
            return (int) (seq % capacity);
        }

        void publish(Node node) {
            int i = index(node.seq);
            Node current = slots.get(i);
            while (current == null || current.seq < node.seq) {
                if (slots.compareAndSet(i, current, node)) {
                    return;
                }
                current = slots.get(i);
            }
        }

        /** The node numbered seq, or null when it is unpublished or overwritten. */
        Node at(long seq) {
            Node n = slots.get(index(seq));
            return n != null && n.seq == seq ? n : null;
        }
    }

    private volatile Ring ring;
    private final Object resizeLock = new Object();

    /** Creates a log that keeps the newest {@value #DEFAULT_CAPACITY} entries. */
    public InMemoryAccessLog() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * Creates a log that keeps the newest {@code capacity} entries.
     *
     * @param capacity at least 1
     */
    public InMemoryAccessLog(int capacity) {
        this.ring = new Ring(checkCapacity(capacity), 0, 0);
    }

    @Override
    public void record(AccessLogEntry entry) {
        Objects.requireNonNull(entry, "entry");
        // allocated before a number is claimed: between claiming and publishing nothing may fail, or a resize would
        // wait for this number forever
        Node node = new Node(entry);
        while (true) {
            Ring r = ring;
            long seq = r.tail.getAndIncrement();
            if (seq < SEALED) {
                node.seq = seq;
                r.publish(node);
                return;
            }
            awaitSuccessor(r);
        }
    }

    @Override
    public List<AccessLogEntry> query(AccessLogQuery query) {
        Objects.requireNonNull(query, "query");
        Ring r;
        long t;
        while (true) {
            r = ring;
            t = r.tail.get();
            if (t < SEALED) {
                break;
            }
            awaitSuccessor(r);
        }
        long from = r.oldest(t);
        int limit = query.limit();
        List<AccessLogEntry> out = new ArrayList<>(limit > 0 ? Math.min(limit, r.capacity) : 16);
        if (limit == 0) {
            for (long s = from; s < t; s++) {
                Node n = r.at(s);
                if (n != null && query.matches(n.entry)) {
                    out.add(n.entry);
                }
            }
        } else {
            // newest first until the limit, then reversed: the limit keeps the newest matches
            for (long s = t - 1; s >= from && out.size() < limit; s--) {
                Node n = r.at(s);
                if (n != null && query.matches(n.entry)) {
                    out.add(n.entry);
                }
            }
            Collections.reverse(out);
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * @return how many entries it holds: the entries recorded so far, at most the capacity (an entry being recorded at
     *         this moment may already be counted)
     */
    @Override
    public long size() {
        Ring r = ring;
        long t = r.tail.get();
        if (t >= SEALED) {
            // a resize is copying; it keeps at most the smaller of both capacities, and counting more is harmless
            t -= SEALED;
        }
        return t - r.oldest(t);
    }

    /** @return how many entries it keeps at most */
    public int capacity() {
        return ring.capacity;
    }

    /**
     * Sets how many entries to keep, keeping the newest ones. Recording waits (spinning) while the entries are copied,
     * so call it rarely: when the engine binds the log and when its {@code maxLogSize} changes.
     *
     * @param maxEntries at least 1
     * @throws IllegalArgumentException when below 1
     */
    @Override
    public void capacity(int maxEntries) {
        checkCapacity(maxEntries);
        synchronized (resizeLock) {
            Ring old = ring;
            if (old.capacity == maxEntries) {
                return;
            }
            long sealedAt = old.tail.getAndAdd(SEALED);
            long keep = Math.min(sealedAt - old.oldest(sealedAt), maxEntries);
            Ring next = new Ring(maxEntries, sealedAt - keep, sealedAt);
            for (long s = sealedAt - keep; s < sealedAt; s++) {
                Node n;
                int spins = 0;
                while ((n = old.at(s)) == null) {
                    // claimed before the seal, not yet published: the writer is about to
                    if (++spins % 1024 == 0) {
                        Thread.yield();
                    } else {
                        Thread.onSpinWait();
                    }
                }
                next.slots.set(next.index(s), n);
            }
            ring = next;
        }
    }

    @Override
    public String toString() {
        return "InMemoryAccessLog[size=" + size() + ", capacity=" + capacity() + "]";
    }

    private void awaitSuccessor(Ring current) {
        int spins = 0;
        while (ring == current) {
            if (++spins % 1024 == 0) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private static int checkCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        return capacity;
    }
}
