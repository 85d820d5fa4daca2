package io.sharedmemory.audit.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.spi.AccessLog;
import io.sharedmemory.spi.AuditSink;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.osgi.service.component.annotations.Component;

/**
 * The bounded in-memory access log: keeps the newest {@link #capacity()} entries (default {@value #DEFAULT_CAPACITY})
 * and answers {@code getAccessLog} queries from them. Recording costs the same whatever the capacity, and the first
 * threads to record (up to {@value #MIN_OWNED} or the number of processors, at most {@value #MAX_OWNED}) each get a ring
 * of their own that they fill with plain stores — no lock, no atomic instruction, no clock read (the engine passes the
 * operation's stamp), no object kept per entry: an owned ring is made of chunks of up to 64 entries' fields, each chunk
 * written once by its owner right after allocating it (33 bytes per entry, allocated as the entries come). Threads
 * beyond those share a few striped rings, overwritten in place, at the cost of two atomic instructions per entry.
 *
 * <p>Registered as both {@link AuditSink} and {@link AccessLog} (one service, ranking 0) inside OSGi; found as an
 * {@link AuditSink} by {@link java.util.ServiceLoader} outside. The engine sets the capacity to its {@code maxLogSize}
 * with {@link #capacity(int)}.
 */
@Component(service = {AuditSink.class, AccessLog.class}, property = "service.ranking:Integer=0")
public final class InMemoryAccessLog implements AccessLog {
    /*
     * Invariants.
     * - Every entry is in exactly one ring. A ring numbers its entries from its tail; a thread always records into the
     *   same ring, so ring order agrees with every thread's own order of record() calls. Across rings, entries are
     *   ordered by their stamp (System.nanoTime() read by the engine for the operation): an entry whose operation
     *   returned before another's began comes first. A query sorts each ring's window by stamp (stable, so a thread's
     *   own order survives equal stamps) and merges the windows.
     * - An owned ring (`Owned`) is written by its owner thread alone, with plain stores and no atomic instruction.
     *   Its entries live in chunks of 2^shift consecutive numbers; chunk k sits in the directory at k % length. A
     *   chunk's fields are each written once: the owner writes entry s into the chunk holding s, creating that chunk
     *   (and putting it in the directory, replacing the chunk of the same place a lap older) when s is the first of
     *   it, then stores tail = s + 1 (a release store). A reader reads the tail (acquire), then, for each number below,
     *   the chunk at its place: if that chunk holds the number, the entry is whole (written before the tail passed
     *   it, never written again); if it holds newer numbers, the entry is gone, and so is every older one (chunks are
     *   replaced oldest first), so a reader keeps only the run after the last entry it found gone. The directory has
     *   one chunk more than the capacity fills, so an entry is replaced only after `capacity` newer ones. A new ring's
     *   directory is small: the owner swaps in a ring with one twice as large, holding the same chunks, before it
     *   would replace a chunk the capacity keeps. The owner is set under `lock`, by a thread's first record(), and
     *   changes only when the previous owner has terminated (its writes happen-before Thread.isAlive() returning
     *   false). Only the owner replaces its ring (to grow its directory, or to apply a new capacity, then after
     *   copying the entries it keeps); readers of the old ring still see a consistent, older window. capacity(n) does
     *   not touch an owned ring: it raises the ring's `floor` (numbers below are dropped) and the owner applies the
     *   capacity at its next record().
     * - A shared ring (`Stripe`) may have several writers: each entry takes a unique sequence number from the ring's
     *   tail (getAndIncrement). A writer takes the slot by CAS only from EMPTY or from a complete older sequence; a
     *   slot never goes back to an older sequence, so a writer stalled for a whole lap gives up instead of overwriting
     *   a newer entry. capacity(n) seals a shared ring by adding SEALED to its tail, waits until every number claimed
     *   before the seal is complete or given up, copies the newest entries into a new ring that continues the
     *   numbering, and publishes it through the volatile `ring`; writers and queries that meet a sealed ring spin
     *   until its successor is published. Resizes and claims are serialized by `lock` and rare.
     * - A reader of a shared ring reads a slot's state (acquire), the fields, then the state again: the entry is
     *   taken only if both reads show the same complete sequence.
     * - A query never waits on a writer; an entry whose record() returned before the query began is returned unless
     *   `capacity` entries were recorded after it.
     */

    /** The capacity of a new log. */
    public static final int DEFAULT_CAPACITY = 1000;
    /** The largest capacity: a ring's slots are a power of two that an int index can hold. */
    public static final int MAX_CAPACITY = 1 << 30;
    /** At least this many threads get a ring of their own. */
    public static final int MIN_OWNED = 4;
    /** At most this many threads get a ring of their own. */
    public static final int MAX_OWNED = 16;

    private static final long SEALED = 1L << 62;
    private static final int MAX_STRIPES = 8;
    private static final long EMPTY = Long.MIN_VALUE;
    private static final AccessAction[] ACTIONS = AccessAction.values();
    private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(long[].class);

    /** A counter alone on its cache line: the tails of different rings must not share one. */
    private static final class PaddedCounter {
        private static final int AT = 16;
        private final AtomicLongArray cells = new AtomicLongArray(2 * AT);

        PaddedCounter(long start) {
            cells.set(AT, start);
        }

        long get() {
            return cells.get(AT);
        }

        long getPlain() {
            return cells.getPlain(AT);
        }

        void setRelease(long value) {
            cells.setRelease(AT, value);
        }

        void setOpaque(long value) {
            cells.setOpaque(AT, value);
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

    /**
     * Bits below the time in an entry's packed word: the action's ordinal (4) and success (1). Times within 2^58 ms
     * (nine million years) of 1970 survive the shift.
     */
    private static final int TIME_SHIFT = 5;
    private static final int ACTION_MASK = 15;

    static {
        if (ACTIONS.length > ACTION_MASK + 1) {
            throw new ExceptionInInitializerError("more access actions than the packed word has room for");
        }
    }

    /** An entry's time, action and success in one word. */
    private static long pack(long timestampMillis, AccessAction action, boolean success) {
        return timestampMillis << TIME_SHIFT | (long) action.ordinal() << 1 | (success ? 1 : 0);
    }

    /** The entry of a packed word and the four strings from refs[r] on (agent, namespace, key, error). */
    private static AccessLogEntry unpack(long packed, String[] refs, int r) {
        return new AccessLogEntry(packed >> TIME_SHIFT, refs[r], ACTIONS[(int) (packed >>> 1) & ACTION_MASK],
                refs[r + 1], refs[r + 2], (packed & 1) != 0, refs[r + 3]);
    }

    /**
     * A ring several threads may write, overwritten in place: per slot three longs in {@code words} (the state, the
     * stamp, and the packed word) and four strings in {@code refs} (agent, namespace, key, error), two arrays instead
     * of one per field so that a record writes two cache lines, not nine. Each slot is a seqlock, its state ~s while
     * sequence s is being written and s once complete.
     */
    private static final class SharedRing {
        private static final int W = 3;
        private static final int R = 4;

        final int capacity;
        private final int mask;
        /** The lowest number this ring can hold: those below were dropped by a resize. */
        private final long floor;
        private final long[] words;
        private final String[] refs;
        final PaddedCounter tail;

        SharedRing(int capacity, long floor, long start) {
            int size = slotsFor(capacity);
            this.capacity = capacity;
            this.mask = size - 1;
            this.floor = floor;
            this.words = new long[W * size];
            this.refs = new String[R * size];
            this.tail = new PaddedCounter(start);
            for (int i = 0; i < words.length; i += W) {
                words[i] = EMPTY;
            }
        }

        long oldest(long tail) {
            return Math.max(floor, tail - Math.min(capacity, mask + 1));
        }

        /** The slot of seq. */
        private int slot(long seq) {
            // sequential: a big ring is then written as a stream the hardware prefetches; threads rarely share a
            // stripe, so neighbouring slots are rarely written by two cores at once
            return (int) (seq & mask);
        }

        private void fill(int slot, long stamp, long packed, String agent, String namespace, String key,
                          String error) {
            int r = slot * R;
            // a slot mostly held the same agent, namespace and error a lap ago: not storing them again spares the
            // collector's card-marking barrier (a StoreLoad fence) of a reference store into a long-lived array
            setIfChanged(r, agent);
            setIfChanged(r + 1, namespace);
            setIfChanged(r + 2, key);
            setIfChanged(r + 3, error);
            // the words after the references: that fence waits for every store before it, and in a ring bigger than
            // the cache the words' line is often not there yet; stored after it, they complete while the caller
            // goes on, until its next write
            int b = slot * W;
            words[b + 1] = stamp;
            words[b + 2] = packed;
        }

        private void setIfChanged(int i, String value) {
            if (refs[i] != value) {
                refs[i] = value;
            }
        }

        /** Stores the entry as sequence seq, unless a newer one holds the slot (then the older one is dropped). */
        void publish(long seq, long stamp, long packed, String agent, String namespace, String key, String error) {
            int slot = slot(seq);
            int b = slot * W;
            for (;;) {
                long cur = (long) STATE.getAcquire(words, b);
                if (cur != EMPTY && (cur >= 0 ? cur : ~cur) >= seq) {
                    return;
                }
                if (cur < 0 && cur != EMPTY) {
                    // an older writer, late by a lap, is a few stores from done
                    Thread.onSpinWait();
                    continue;
                }
                if (STATE.compareAndSet(words, b, cur, ~seq)) {
                    break;
                }
            }
            fill(slot, stamp, packed, agent, namespace, key, error);
            STATE.setRelease(words, b, seq);
        }

        /** The entry numbered seq, or null when it is not (yet, or any more) complete in its slot. */
        Read at(long seq) {
            int slot = slot(seq);
            int b = slot * W;
            if ((long) STATE.getAcquire(words, b) != seq) {
                return null;
            }
            long stamp = words[b + 1];
            AccessLogEntry e = unpack(words[b + 2], refs, slot * R);
            VarHandle.loadLoadFence();
            return (long) STATE.getAcquire(words, b) == seq ? new Read(seq, stamp, e) : null;
        }

        /** @return the complete entries numbered [from, to), oldest first */
        List<Read> complete(long from, long to) {
            List<Read> out = new ArrayList<>((int) Math.min(to - from, 1 << 16));
            for (long seq = from; seq < to; seq++) {
                Read e = at(seq);
                if (e != null) {
                    out.add(e);
                }
            }
            return out;
        }

        /** Whether seq is complete, given up by its writer, or overwritten: a resize need not wait for it any more. */
        boolean settled(long seq) {
            long cur = (long) STATE.getAcquire(words, slot(seq) * W);
            return cur != EMPTY && (cur >= 0 ? cur >= seq : ~cur > seq);
        }

        void copyInto(SharedRing next, long seq) {
            Read r = at(seq);
            if (r != null) {
                AccessLogEntry e = r.entry;
                next.publish(seq, r.stamp, pack(e.timestampMillis(), e.action(), e.success()), e.agentId(),
                        e.namespace(), e.key(), e.error());
            }
        }
    }

    /**
     * A ring one thread writes, made of chunks of consecutive entries that are each written once: when the owner comes
     * back to a chunk's place in the ring it puts a new chunk there instead of overwriting the old one. A record then
     * stores into a chunk the owner has just allocated, which is in the cache and young: a store of a reference into
     * it needs no card-marking fence, where one into a long-lived array waits for every store before it — in a ring
     * bigger than the cache, for a line still on its way. The price is a chunk's allocation: 33 bytes per entry.
     */
    private static final class OwnedRing {
        /** The most entries a chunk holds. */
        private static final int MAX_CHUNK_SHIFT = 6;
        /** A new ring's directory has room for this many chunks, and doubles as the entries come. */
        private static final int FIRST_CHUNKS = 4;

        /** Entries numbered base to base + size - 1. */
        private static final class Chunk {
            final long base;
            /** Per entry: the stamp, and the time packed with the action and success. */
            final long[] words;
            /** Per entry: agent, namespace, key, error. */
            final String[] refs;

            Chunk(long base, int size) {
                this.base = base;
                this.words = new long[2 * size];
                this.refs = new String[4 * size];
            }
        }

        final int capacity;
        /** The lowest number this ring holds: those below were dropped when it was built. */
        final long floor;
        private final int shift;
        /** Chunk k of the numbering (k = seq >>> shift) is at k % length, or is not held any more. */
        private final Chunk[] chunks;
        /** The tail at which the directory is too small for the next chunk; Long.MAX_VALUE once it is full size. */
        final long growAt;
        /** The number of the next entry: those below are complete. */
        private final PaddedCounter tail;
        /** The chunk the owner writes into. */
        private Chunk current;

        /** A ring for the capacity, holding nothing below floor, numbering on from start. */
        OwnedRing(int capacity, long floor, long start, int directory) {
            this.capacity = capacity;
            this.floor = floor;
            this.shift = chunkShift(capacity);
            int full = fullDirectory(capacity, shift);
            this.chunks = new Chunk[Math.min(full, directory)];
            this.growAt = chunks.length == full ? Long.MAX_VALUE : floor + ((long) (chunks.length - 1) << shift);
            this.tail = new PaddedCounter(start);
        }

        /** Chunks of up to 2^MAX_CHUNK_SHIFT entries; smaller for small capacities, so the ring wastes little. */
        static int chunkShift(int capacity) {
            return Math.min(MAX_CHUNK_SHIFT, Math.max(0, 30 - Integer.numberOfLeadingZeros(capacity)));
        }

        /**
         * One chunk more than the capacity fills: the chunk being filled has replaced the oldest, whose entries the
         * capacity may still have kept.
         */
        static int fullDirectory(int capacity, int shift) {
            return (int) ((capacity + (1L << shift) - 1) >>> shift) + 1;
        }

        long tail() {
            return tail.get();
        }

        long ownTail() {
            return tail.getPlain();
        }

        long oldest(long t) {
            return Math.max(floor, t - capacity);
        }

        /** The place in the directory of the chunk holding seq. */
        private int place(long seq) {
            return (int) ((seq >>> shift) % chunks.length);
        }

        /** Only the owner, with seq its {@link #ownTail()}. */
        void publish(long seq, long stamp, long packed, String agent, String namespace, String key, String error) {
            put(seq, stamp, packed, agent, namespace, key, error);
            tail.setRelease(seq + 1);
        }

        private void put(long seq, long stamp, long packed, String agent, String namespace, String key, String error) {
            Chunk c = current;
            long j = c == null ? -1 : seq - c.base;
            if (j >>> shift != 0) {
                long base = seq >>> shift << shift;
                c = new Chunk(base, 1 << shift);
                chunks[place(seq)] = c;
                current = c;
                j = seq - base;
            }
            int r = 4 * (int) j;
            String[] refs = c.refs;
            refs[r] = agent;
            refs[r + 1] = namespace;
            refs[r + 2] = key;
            refs[r + 3] = error;
            int w = 2 * (int) j;
            c.words[w] = stamp;
            c.words[w + 1] = packed;
        }

        /** The place of entry seq in its chunk, or -1 when the chunk at its place holds other entries (or none). */
        private int indexIn(Chunk c, long seq) {
            long j = c == null ? -1 : seq - c.base;
            return j >>> shift == 0 ? (int) j : -1;
        }

        /**
         * A ring like this one with a directory twice as large, holding the same chunks (the owner goes on filling
         * its current chunk through it); readers of this one keep a consistent, older window.
         */
        OwnedRing grown(long t) {
            OwnedRing next = new OwnedRing(capacity, floor, t, 2 * chunks.length);
            for (Chunk c : chunks) {
                if (c != null) {
                    next.chunks[next.place(c.base)] = c;
                }
            }
            next.current = current;
            return next;
        }

        /** Copies entry seq of {@code from} into this ring, which nobody else sees yet; nothing if from lost it. */
        void copy(OwnedRing from, long seq) {
            Chunk c = from.chunks[from.place(seq)];
            int j = from.indexIn(c, seq);
            if (j >= 0) {
                put(seq, c.words[2 * j], c.words[2 * j + 1], c.refs[4 * j], c.refs[4 * j + 1], c.refs[4 * j + 2],
                        c.refs[4 * j + 3]);
            }
        }

        /**
         * @return the entries numbered [from, to) that are still held, oldest first; to at most the tail. The owner
         *         replaces chunks oldest first, so an entry missing means every older one is gone too (or as good as
         *         gone): only the run after the last missing entry is returned.
         */
        List<Read> window(long from, long to) {
            List<Read> out = new ArrayList<>((int) Math.min(to - from, 1 << 16));
            for (long seq = from; seq < to; seq++) {
                Chunk c = chunks[place(seq)];
                int j = indexIn(c, seq);
                if (j < 0) {
                    out.clear();
                    continue;
                }
                out.add(new Read(seq, c.words[2 * j], unpack(c.words[2 * j + 1], c.refs, 4 * j)));
            }
            return out;
        }
    }

    /**
     * One thread's (or a few threads') share of the log: a ring with its own tail, so that recording threads on
     * different stripes never write the same cache line.
     */
    private static final class Stripe {
        private volatile SharedRing ring;

        Stripe(int capacity) {
            ring = new SharedRing(capacity, 0, 0);
        }

        void record(long stamp, long packed, String agent, String namespace, String key, String error) {
            while (true) {
                SharedRing r = ring;
                long seq = r.tail.getAndIncrement();
                if (seq < SEALED) {
                    r.publish(seq, stamp, packed, agent, namespace, key, error);
                    return;
                }
                awaitSuccessor(r);
            }
        }

        /** @return the complete entries of the window, oldest first */
        List<Read> window() {
            SharedRing r;
            long t;
            while (true) {
                r = ring;
                t = r.tail.get();
                if (t < SEALED) {
                    break;
                }
                awaitSuccessor(r);
            }
            return r.complete(r.oldest(t), t);
        }

        long size() {
            SharedRing r = ring;
            long t = r.tail.get();
            if (t >= SEALED) {
                // a resize is copying; it keeps at most the smaller of both capacities, and counting more is harmless
                t -= SEALED;
            }
            return t - r.oldest(t);
        }

        void resize(int maxEntries) {
            SharedRing old = ring;
            if (old.capacity == maxEntries) {
                return;
            }
            long sealedAt = old.tail.getAndAdd(SEALED);
            long keep = Math.min(sealedAt - old.oldest(sealedAt), maxEntries);
            SharedRing next = new SharedRing(maxEntries, sealedAt - keep, sealedAt);
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

        private void awaitSuccessor(SharedRing current) {
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

    /** A ring only its owner thread writes. */
    private static final class Owned {
        /** Set under the log's lock; replaced only once it has terminated. */
        volatile Thread owner;
        /** Replaced only by the owner. */
        volatile OwnedRing ring;
        /** Numbers below are dropped: raised by capacity() under the log's lock. */
        volatile long floor;

        /** Only the owner calls this. */
        void record(long stamp, long packed, String agent, String namespace, String key, String error,
                    int capacity) {
            OwnedRing r = ring;
            long t = r.ownTail();
            if (r.capacity != capacity) {
                r = rebuild(r, t, capacity);
            } else if (t >= r.growAt) {
                r = r.grown(t);
                ring = r;
            }
            r.publish(t, stamp, packed, agent, namespace, key, error);
        }

        /** A ring for the capacity holding the newest entries this one keeps, with room for the next one. */
        private OwnedRing rebuild(OwnedRing r, long t, int capacity) {
            long from = Math.max(oldest(r, t), t - capacity);
            // room for the entries kept and as many again, as a ring that had grown to hold them would have
            int kept = (int) ((t - from) >>> OwnedRing.chunkShift(capacity)) + 2;
            OwnedRing next = new OwnedRing(capacity, from, t, Math.max(OwnedRing.FIRST_CHUNKS, 2 * kept));
            for (long seq = from; seq < t; seq++) {
                next.copy(r, seq);
            }
            ring = next;
            return next;
        }

        private long oldest(OwnedRing r, long tail) {
            return Math.max(floor, r.oldest(tail));
        }

        List<Read> window() {
            OwnedRing r = ring;
            long t = r.tail();
            return r.window(oldest(r, t), t);
        }

        long size() {
            OwnedRing r = ring;
            long t = r.tail();
            return t - oldest(r, t);
        }

        /** Under the log's lock: keeps only the newest maxEntries of what the ring holds now. */
        void drop(int maxEntries) {
            OwnedRing r = ring;
            long t = r.tail();
            if (t - maxEntries > floor) {
                floor = t - maxEntries;
            }
        }
    }

    private static final AtomicInteger NEXT_STRIPE = new AtomicInteger();
    /** Threads without a ring of their own are dealt shared rings in turn, so that they rarely share one. */
    private static final ThreadLocal<Integer> STRIPE_OF_THREAD =
            ThreadLocal.withInitial(NEXT_STRIPE::getAndIncrement);

    private final Owned[] owned;
    /**
     * Owned rings by their owner's thread id (a cheaper lookup than the ThreadLocal); a slot holds one of the owners
     * whose ids fall on it, so a record() checks the owner and falls back to the ThreadLocal. Written under `lock`.
     */
    private final AtomicReferenceArray<Owned> ownedById;
    private final int idMask;
    /** Made when a thread is first dealt one. */
    private final AtomicReferenceArray<Stripe> stripes;
    private final int stripeMask;
    /** What this thread records into: its Owned, or a Stripe. */
    private final ThreadLocal<Object> writer = new ThreadLocal<>();
    private volatile int capacity;
    /** Serializes claims and capacity changes. */
    private final Object lock = new Object();

    /** Creates a log that keeps the newest {@value #DEFAULT_CAPACITY} entries. */
    public InMemoryAccessLog() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * Creates a log that keeps the newest {@code capacity} entries.
     *
     * @param capacity 1 to {@value #MAX_CAPACITY}
     * @throws IllegalArgumentException when out of that range
     */
    public InMemoryAccessLog(int capacity) {
        this(capacity, Runtime.getRuntime().availableProcessors(), -1);
    }

    /**
     * @param parallelism the number of processors to plan for
     * @param ownedRings how many threads get a ring of their own; -1 for the default
     */
    InMemoryAccessLog(int capacity, int parallelism, int ownedRings) {
        this.capacity = checkCapacity(capacity);
        int k = ownedRings >= 0 ? ownedRings : Math.min(MAX_OWNED, Math.max(MIN_OWNED, parallelism));
        this.owned = new Owned[k];
        for (int i = 0; i < k; i++) {
            owned[i] = new Owned();
        }
        int ids = Integer.highestOneBit(Math.max(1, 4 * k - 1)) << 1;
        this.ownedById = new AtomicReferenceArray<>(ids);
        this.idMask = ids - 1;
        int n = Integer.highestOneBit(Math.max(1, Math.min(MAX_STRIPES, parallelism) * 2 - 1));
        this.stripes = new AtomicReferenceArray<>(n);
        this.stripeMask = n - 1;
    }

    @Override
    public void record(AccessLogEntry entry) {
        record(entry, System.nanoTime());
    }

    @Override
    public void record(AccessLogEntry entry, long nanoTime) {
        Objects.requireNonNull(entry, "entry");
        record(nanoTime, entry.timestampMillis(), entry.agentId(), entry.action(), entry.namespace(), entry.key(),
                entry.success(), entry.error());
    }

    /** Keeps the fields: no entry object is made until a query reads them back. */
    @Override
    public void record(long nanoTime, long timestampMillis, String agentId, AccessAction action, String namespace,
                       String key, boolean success, String error) {
        long packed = pack(timestampMillis, Objects.requireNonNull(action, "action"), success);
        Thread me = Thread.currentThread();
        Owned mine = ownedById.getPlain((int) me.getId() & idMask);
        // a stale or foreign slot fails the owner check: the owner field is volatile and set before the slot
        if (mine != null && mine.owner == me) {
            mine.record(nanoTime, packed, agentId, namespace, key, error, capacity);
        } else {
            recordElsewhere(nanoTime, packed, agentId, namespace, key, error);
        }
    }

    /** A record() by a thread that has no ring of its own yet, or never will. */
    private void recordElsewhere(long stamp, long packed, String agent, String namespace, String key, String error) {
        Object w = writer.get();
        if (w == null) {
            w = claim();
            writer.set(w);
        }
        if (w instanceof Owned o) {
            o.record(stamp, packed, agent, namespace, key, error, capacity);
        } else {
            ((Stripe) w).record(stamp, packed, agent, namespace, key, error);
        }
    }

    /** A thread's first record(): a ring of its own if one is free, else a shared one. */
    private Object claim() {
        Thread me = Thread.currentThread();
        synchronized (lock) {
            for (Owned o : owned) {
                Thread t = o.owner;
                if (t == null || !t.isAlive()) {
                    if (o.ring == null) {
                        int cap = capacity;
                        o.ring = new OwnedRing(cap, 0, 0, OwnedRing.FIRST_CHUNKS);
                    }
                    o.owner = me;
                    ownedById.set((int) me.getId() & idMask, o);
                    return o;
                }
            }
            int i = STRIPE_OF_THREAD.get() & stripeMask;
            Stripe s = stripes.get(i);
            if (s == null) {
                s = new Stripe(capacity);
                stripes.set(i, s);
            }
            return s;
        }
    }

    private static final Comparator<Read> BY_STAMP = (a, b) -> Long.signum(a.stamp - b.stamp);

    /** Each ring's complete entries of its window, ordered by stamp (a ring is nearly in order already). */
    private List<List<Read>> windows() {
        List<List<Read>> views = new ArrayList<>(owned.length + stripes.length());
        for (Owned o : owned) {
            if (o.ring != null) {
                views.add(o.window());
            }
        }
        for (int i = 0; i < stripes.length(); i++) {
            Stripe s = stripes.get(i);
            if (s != null) {
                views.add(s.window());
            }
        }
        for (List<Read> v : views) {
            v.sort(BY_STAMP);
        }
        return views;
    }

    @Override
    public List<AccessLogEntry> query(AccessLogQuery query) {
        Objects.requireNonNull(query, "query");
        int cap = capacity;
        List<List<Read>> views = windows();
        int[] next = new int[views.size()];
        for (int i = 0; i < next.length; i++) {
            next[i] = views.get(i).size() - 1;
        }
        int limit = query.limit();
        List<AccessLogEntry> out = new ArrayList<>(limit > 0 ? Math.min(limit, cap) : 16);
        // newest first across the rings, by stamp, over the newest `capacity` entries; then reversed
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
        for (Owned o : owned) {
            if (o.ring != null) {
                total += o.size();
            }
        }
        for (int i = 0; i < stripes.length(); i++) {
            Stripe s = stripes.get(i);
            if (s != null) {
                total += s.size();
            }
        }
        return Math.min(total, capacity);
    }

    /** @return how many entries it keeps at most */
    public int capacity() {
        return capacity;
    }

    /**
     * Sets how many entries to keep, keeping the newest ones. Threads recording into a shared ring wait (spinning) while
     * its entries are copied, so call it rarely: when the engine binds the log and when its {@code maxLogSize} changes.
     * A thread with a ring of its own resizes it at its next record; until then the entries beyond the new capacity
     * are dropped but their memory is not yet given back.
     *
     * @param maxEntries 1 to {@value #MAX_CAPACITY}
     * @throws IllegalArgumentException when out of that range; the capacity is then unchanged
     */
    @Override
    public void capacity(int maxEntries) {
        checkCapacity(maxEntries);
        synchronized (lock) {
            for (Owned o : owned) {
                if (o.ring != null) {
                    o.drop(maxEntries);
                }
            }
            for (int i = 0; i < stripes.length(); i++) {
                Stripe s = stripes.get(i);
                if (s != null) {
                    s.resize(maxEntries);
                }
            }
            capacity = maxEntries;
        }
    }

    /** @return how many rings are owned by threads that are alive (tests look at it) */
    int ownedByLiveThreads() {
        int n = 0;
        for (Owned o : owned) {
            Thread t = o.owner;
            if (t != null && t.isAlive()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return "InMemoryAccessLog[size=" + size() + ", capacity=" + capacity() + ", owned rings=" + owned.length
                + ", shared rings=" + stripes.length() + "]";
    }

    /** @return the slots of a full ring of that capacity: the power of two at or above it (at least 2) */
    static int slotsFor(int capacity) {
        return Math.max(2, Integer.highestOneBit(Math.max(1, capacity - 1)) << 1);
    }

    private static int checkCapacity(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be between 1 and " + MAX_CAPACITY + ", was " + capacity);
        }
        return capacity;
    }
}
