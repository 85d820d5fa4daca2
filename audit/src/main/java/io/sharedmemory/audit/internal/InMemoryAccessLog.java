package io.sharedmemory.audit.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.spi.AccessLog;
import io.sharedmemory.spi.AuditSink;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.osgi.service.component.annotations.Component;

/**
 * The bounded in-memory access log: keeps the newest {@link #capacity()} entries (default {@value #DEFAULT_CAPACITY})
 * and answers {@code getAccessLog} queries from them. Recording costs the same whatever the capacity: one counter
 * increment and a few stores into preallocated slots — no lock, no copying, no object kept per entry (so a log of a
 * million entries gives the garbage collector nothing to promote or trace but the strings it refers to).
 *
 * <p>Registered as both {@link AuditSink} and {@link AccessLog} (one service, ranking 0) inside OSGi; found as an
 * {@link AuditSink} by {@link java.util.ServiceLoader} outside. The engine sets the capacity to its {@code maxLogSize}
 * with {@link #capacity(int)}.
 */
@Component(service = {AuditSink.class, AccessLog.class}, property = "service.ranking:Integer=0")
public final class InMemoryAccessLog implements AccessLog {
    /*
     * Invariants.
     * - The log is split into stripes, each a ring with its own tail; a thread always records into the same stripe
     *   (threads are dealt stripes in turn), so concurrent recorders rarely share a counter or a cache line. Each stripe
     *   keeps its newest `capacity` entries, so the newest `capacity` entries of the whole log are always among them
     *   (memory: stripes × capacity slots; queries and size() see exactly the newest `capacity`).
     * - Within a stripe, each entry takes a unique sequence number from the ring's tail (getAndIncrement), so sequence
     *   order agrees with every thread's own order of record() calls. Across stripes, entries are ordered by the
     *   System.nanoTime() stamp taken when record() began: an entry whose record() returned before another's began
     *   comes first.
     * - A slot is a seqlock: `state[i]` is EMPTY, WRITING(s) = ~s while the writer of sequence s fills the fields, or s
     *   once they are complete (a release store). A writer takes the slot by CAS only from EMPTY or from a complete
     *   older sequence; a slot never goes back to an older sequence, so a writer stalled for a whole lap gives up
     *   instead of overwriting a newer entry. A reader reads state (acquire), the fields, then state again: the entry
     *   is taken only if both reads show the same complete sequence.
     * - A query reads each stripe's tail t once and takes the complete entries numbered [max(floor, t - capacity), t),
     *   then merges the stripes newest first by stamp, up to `capacity` entries. Entries being written are skipped, so a
     *   query never waits on a writer; an entry whose record() returned before the query began is returned unless
     *   `capacity` newer ones followed it.
     * - capacity(n) seals each stripe's ring by adding SEALED to its tail, waits until every number claimed before the
     *   seal is complete (a writer is a few instructions from it) or given up, copies the newest entries into a new ring
     *   that continues the numbering (its floor is the oldest number it holds), and publishes it through the volatile
     *   `ring`. Writers and queries that meet a sealed ring spin until its successor is published. Resizes are
     *   serialized and rare (the engine's maxLogSize).
     */

    /** The capacity of a new log. */
    public static final int DEFAULT_CAPACITY = 1000;

    private static final long SEALED = 1L << 62;
    private static final int MAX_STRIPES = 8;
    private static final long EMPTY = Long.MIN_VALUE;
    private static final AccessAction[] ACTIONS = AccessAction.values();
    private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(long[].class);

    /** A counter alone on its cache line: the tails of different stripes must not share one. */
    private static final class PaddedCounter {
        private static final int AT = 16;
        private final AtomicLongArray cells = new AtomicLongArray(2 * AT);

        PaddedCounter(long start) {
            cells.set(AT, start);
        }

        long get() {
            return cells.get(AT);
        }

        long getAndIncrement() {
            return cells.getAndIncrement(AT);
        }

        long getAndAdd(long delta) {
            return cells.getAndAdd(AT, delta);
        }
    }

    /** An entry as read back from a slot, with its sequence number and stamp. */
    private record Read(long seq, long stamp, AccessLogEntry entry) {
    }

    private static final class Ring {
        final int capacity;
        final PaddedCounter tail;
        final int mask;
        /** The lowest number this ring can hold: those below were dropped by a resize. */
        final long floor;
        final long[] state;
        final long[] stamps;
        final long[] times;
        final String[] agents;
        final String[] namespaces;
        final String[] keys;
        final String[] errors;
        final byte[] actions;
        final boolean[] successes;

        Ring(int capacity, long floor, long start) {
            this.capacity = capacity;
            int size = Math.max(2, Integer.highestOneBit(Math.max(1, capacity - 1)) << 1);
            this.mask = size - 1;
            this.floor = floor;
            this.tail = new PaddedCounter(start);
            this.state = new long[size];
            Arrays.fill(state, EMPTY);
            this.stamps = new long[size];
            this.times = new long[size];
            this.agents = new String[size];
            this.namespaces = new String[size];
            this.keys = new String[size];
            this.errors = new String[size];
            this.actions = new byte[size];
            this.successes = new boolean[size];
        }

        long oldest(long tail) {
            return Math.max(floor, tail - capacity);
        }

        int index(long seq) {
            // sequential: a big ring is then written as a stream the hardware prefetches; threads rarely share a
            // stripe, so neighbouring slots are rarely written by two cores at once
            return (int) (seq & mask);
        }

        /** Stores the entry as sequence seq, unless a newer one holds the slot (then the older one is dropped). */
        void publish(long seq, long stamp, AccessLogEntry e) {
            int i = index(seq);
            for (;;) {
                long cur = (long) STATE.getAcquire(state, i);
                if (cur != EMPTY && (cur >= 0 ? cur : ~cur) >= seq) {
                    return;
                }
                if (cur < 0 && cur != EMPTY) {
                    // an older writer, late by a lap, is a few stores from done
                    Thread.onSpinWait();
                    continue;
                }
                if (STATE.compareAndSet(state, i, cur, ~seq)) {
                    break;
                }
            }
            stamps[i] = stamp;
            times[i] = e.timestampMillis();
            // a slot mostly held the same agent, namespace and error a lap ago: not storing them again spares the
            // collector's card-marking barrier (a StoreLoad fence) of a reference store into this long-lived array
            setIfChanged(agents, i, e.agentId());
            setIfChanged(namespaces, i, e.namespace());
            setIfChanged(keys, i, e.key());
            setIfChanged(errors, i, e.error());
            actions[i] = (byte) e.action().ordinal();
            successes[i] = e.success();
            STATE.setRelease(state, i, seq);
        }

        private static void setIfChanged(String[] column, int i, String value) {
            if (column[i] != value) {
                column[i] = value;
            }
        }

        /** The entry numbered seq, or null when it is not (yet, or any more) complete in its slot. */
        Read at(long seq) {
            int i = index(seq);
            if ((long) STATE.getAcquire(state, i) != seq) {
                return null;
            }
            long stamp = stamps[i];
            AccessLogEntry e = new AccessLogEntry(times[i], agents[i], ACTIONS[actions[i]], namespaces[i], keys[i],
                    successes[i], errors[i]);
            VarHandle.loadLoadFence();
            return (long) STATE.getAcquire(state, i) == seq ? new Read(seq, stamp, e) : null;
        }

        /** Whether seq is complete, given up by its writer, or overwritten: a resize need not wait for it any more. */
        boolean settled(long seq) {
            long cur = (long) STATE.getAcquire(state, index(seq));
            return cur != EMPTY && (cur >= 0 ? cur >= seq : ~cur > seq);
        }

        void copyInto(Ring next, long seq) {
            Read r = at(seq);
            if (r != null) {
                next.publish(seq, r.stamp, r.entry);
            }
        }
    }

    /**
     * One thread's (or a few threads') share of the log: a ring with its own tail, so that recording threads on
     * different stripes never write the same cache line.
     */
    private static final class Stripe {
        private volatile Ring ring;

        Stripe(int capacity) {
            ring = new Ring(capacity, 0, 0);
        }

        void record(long stamp, AccessLogEntry entry) {
            while (true) {
                Ring r = ring;
                long seq = r.tail.getAndIncrement();
                if (seq < SEALED) {
                    r.publish(seq, stamp, entry);
                    return;
                }
                awaitSuccessor(r);
            }
        }

        /** @return the complete entries of the window, oldest first */
        List<Read> window() {
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
            List<Read> out = new ArrayList<>((int) Math.min(t - r.oldest(t), 1 << 16));
            for (long s = r.oldest(t); s < t; s++) {
                Read e = r.at(s);
                if (e != null) {
                    out.add(e);
                }
            }
            return out;
        }

        long size() {
            Ring r = ring;
            long t = r.tail.get();
            if (t >= SEALED) {
                // a resize is copying; it keeps at most the smaller of both capacities, and counting more is harmless
                t -= SEALED;
            }
            return t - r.oldest(t);
        }

        void resize(int maxEntries) {
            Ring old = ring;
            if (old.capacity == maxEntries) {
                return;
            }
            long sealedAt = old.tail.getAndAdd(SEALED);
            long keep = Math.min(sealedAt - old.oldest(sealedAt), maxEntries);
            Ring next = new Ring(maxEntries, sealedAt - keep, sealedAt);
            for (long s = sealedAt - keep; s < sealedAt; s++) {
                int spins = 0;
                while (!old.settled(s)) {
                    // claimed before the seal, not yet complete: the writer is about to finish
                    if (++spins % 1024 == 0) {
                        Thread.yield();
                    } else {
                        Thread.onSpinWait();
                    }
                }
                old.copyInto(next, s);
            }
            ring = next;
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
    }

    private static final AtomicInteger NEXT_STRIPE = new AtomicInteger();
    /** Threads are dealt stripes in turn, so that the first threads to record never share one. */
    private static final ThreadLocal<Integer> STRIPE_OF_THREAD =
            ThreadLocal.withInitial(NEXT_STRIPE::getAndIncrement);

    private final Stripe[] stripes;
    private final int stripeMask;
    private volatile int capacity;
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
        this(capacity, Runtime.getRuntime().availableProcessors());
    }

    InMemoryAccessLog(int capacity, int parallelism) {
        this.capacity = checkCapacity(capacity);
        int n = Integer.highestOneBit(Math.max(1, Math.min(MAX_STRIPES, parallelism) * 2 - 1));
        this.stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe(capacity);
        }
        this.stripeMask = n - 1;
    }

    @Override
    public void record(AccessLogEntry entry) {
        Objects.requireNonNull(entry, "entry");
        stripes[STRIPE_OF_THREAD.get() & stripeMask].record(System.nanoTime(), entry);
    }

    @Override
    public List<AccessLogEntry> query(AccessLogQuery query) {
        Objects.requireNonNull(query, "query");
        int cap = capacity;
        List<List<Read>> views = new ArrayList<>(stripes.length);
        for (Stripe s : stripes) {
            views.add(s.window());
        }
        int[] next = new int[views.size()];
        for (int i = 0; i < next.length; i++) {
            next[i] = views.get(i).size() - 1;
        }
        int limit = query.limit();
        List<AccessLogEntry> out = new ArrayList<>(limit > 0 ? Math.min(limit, cap) : 16);
        // newest first across the stripes, by stamp, over the newest `capacity` entries; then reversed
        for (int taken = 0; taken < cap; taken++) {
            int pick = -1;
            long best = Long.MIN_VALUE;
            for (int i = 0; i < next.length; i++) {
                if (next[i] >= 0) {
                    long stamp = views.get(i).get(next[i]).stamp;
                    if (pick < 0 || stamp - best > 0) {
                        pick = i;
                        best = stamp;
                    }
                }
            }
            if (pick < 0) {
                break;
            }
            Read r = views.get(pick).get(next[pick]--);
            if (query.matches(r.entry)) {
                out.add(r.entry);
                if (limit > 0 && out.size() == limit) {
                    break;
                }
            }
        }
        Collections.reverse(out);
        return Collections.unmodifiableList(out);
    }

    /**
     * @return how many entries it holds: the entries recorded so far, at most the capacity (an entry being recorded at
     *         this moment may already be counted)
     */
    @Override
    public long size() {
        long total = 0;
        for (Stripe s : stripes) {
            total += s.size();
        }
        return Math.min(total, capacity);
    }

    /** @return how many entries it keeps at most */
    public int capacity() {
        return capacity;
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
            for (Stripe s : stripes) {
                s.resize(maxEntries);
            }
            capacity = maxEntries;
        }
    }

    @Override
    public String toString() {
        return "InMemoryAccessLog[size=" + size() + ", capacity=" + capacity() + ", stripes=" + stripes.length + "]";
    }

    private static int checkCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        return capacity;
    }
}
