package io.sharedmemory.engine.internal.store;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.store.CommitHook;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.KeyStep;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The in-memory {@link EntryTable}: segments of hash tables whose nodes carry, next to the entry, its value and expiry.
 * A read finds the value in the node it lands on; with a {@code ConcurrentHashMap} it would follow one more reference,
 * to the entry, which for a large namespace is one more cache miss per read. A write of a stored key updates its node
 * in place: the write reads the node to learn the current version, and a node that stays where it is stays in the
 * cache, where a new node per write would make every write of a large namespace miss on its key's node.
 */
public final class SegmentedEntryStore implements EntryTable {
    /*
     * Invariants.
     * - A key belongs to the segment picked by the high bits of its spread hash, and to the bin picked by the low bits
     *   in that segment's table. A segment's table, bins and nodes are written only under the segment's monitor;
     *   reads take no lock.
     * - A node's hash, key and next never change: a chain's shape changes only by building the bin's new chain
     *   (copying the nodes before the changed one) and publishing its head with a release store; a reader that loads
     *   a head (acquire) sees a whole chain, old or new. A copied node is never written again.
     * - A node's entry, value, expiry and version change in place, for a write of a key already stored. The node's
     *   `seq` is a seqlock over them: odd while they are written (set before them, behind a store-store fence), even
     *   once they are (a release store). A reader of more than one of them reads seq (acquire), the fields, then seq
     *   again after a load-load fence, and retries unless both reads show the same even number. The entry alone is
     *   read with an acquire load: it is one immutable object.
     * - A resize builds a new table from new nodes and publishes it through the volatile `table`; the old table is
     *   never written again, so a reader that still walks it sees the segment as it was just before.
     * - `count` is the number of nodes in the segment; it changes only under the monitor.
     * - The function of an update runs under the monitor, once; an update from inside it on the same segment would
     *   build on a chain about to be replaced, so it is refused.
     */
    private static final int SEGMENT_BITS = 6;
    private static final int HASH_BITS = 0x7fffffff;
    private static final int FIRST_TABLE = 8;
    private static final VarHandle BIN = MethodHandles.arrayElementVarHandle(Node[].class);
    private static final VarHandle SEQ;
    private static final VarHandle ENTRY;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SEQ = l.findVarHandle(Node.class, "seq", int.class);
            ENTRY = l.findVarHandle(Node.class, "entry", MemoryEntry.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public static final class Node {
        final int hash;
        final String key;
        final Node next;
        /** The seqlock of the fields below: odd while an update writes them. */
        private int seq;
        private MemoryEntry entry;
        private Object value;
        private long expiresAt;
        private long version;

        Node(int hash, String key, MemoryEntry entry, Node next) {
            this.hash = hash;
            this.key = key;
            this.next = next;
            this.entry = entry;
            this.value = entry.value();
            this.expiresAt = entry.expiresAtMillis();
            this.version = entry.version();
        }

        /** A copy of n in another chain; under the segment's monitor. */
        Node(Node n, Node next) {
            this.hash = n.hash;
            this.key = n.key;
            this.next = next;
            this.entry = n.entry;
            this.value = n.value;
            this.expiresAt = n.expiresAt;
            this.version = n.version;
        }

        MemoryEntry entry() {
            return (MemoryEntry) ENTRY.getAcquire(this);
        }

        /** Under the segment's monitor. */
        void set(MemoryEntry e) {
            int s = seq;
            SEQ.setOpaque(this, s + 1);
            VarHandle.storeStoreFence();
            ENTRY.setRelease(this, e);
            value = e.value();
            expiresAt = e.expiresAtMillis();
            version = e.version();
            SEQ.setRelease(this, s + 2);
        }

        /** The value when live at nowMillis, else {@link EntryTable#EXPIRED}: both read from one state of the node. */
        Object valueAt(long nowMillis) {
            for (;;) {
                int s = (int) SEQ.getAcquire(this);
                Object v = value;
                long deadline = expiresAt;
                VarHandle.loadLoadFence();
                if ((s & 1) == 0 && (int) SEQ.getOpaque(this) == s) {
                    return nowMillis >= deadline ? EntryTable.EXPIRED : v;
                }
                Thread.onSpinWait();
            }
        }
    }

    private static final class Segment {
        volatile Node[] table;
        volatile int count;
        boolean updating;

        Segment(int firstTable) {
            table = new Node[firstTable];
        }
    }

    private final Segment[] segments;
    private final int segmentShift;
    private final int firstTable;
    private final AtomicLong rooms = new AtomicLong();

    public SegmentedEntryStore() {
        this(SEGMENT_BITS, FIRST_TABLE);
    }

    /** A store of 2^segmentBits segments, each starting with a table of firstTable bins (tests use tiny ones). */
    public SegmentedEntryStore(int segmentBits, int firstTable) {
        this.segments = new Segment[1 << segmentBits];
        this.segmentShift = 31 - segmentBits;
        this.firstTable = firstTable;
        for (int i = 0; i < segments.length; i++) {
            segments[i] = new Segment(firstTable);
        }
    }

    private static int spread(int h) {
        return (h ^ (h >>> 16)) & HASH_BITS;
    }

    private Segment segmentOf(int hash) {
        // 31-bit hashes: the top bits pick the segment, the bottom bits the bin, so they do not correlate
        return segments[hash >>> segmentShift];
    }

    private static Node find(Node n, int hash, String key) {
        for (; n != null; n = n.next) {
            if (n.hash == hash && (n.key == key || n.key.equals(key))) {
                return n;
            }
        }
        return null;
    }

    /** The key's node, or null; package-private so that a test can tell an update in place from a new node. */
    public Node node(String key) {
        int h = spread(key.hashCode());
        Node[] tab = segmentOf(h).table;
        return find((Node) BIN.getAcquire(tab, h & (tab.length - 1)), h, key);
    }

    @Override
    public MemoryEntry get(String key) {
        Node n = node(key);
        return n == null ? null : n.entry();
    }

    @Override
    public Object liveValue(String key, long nowMillis) {
        Node n = node(key);
        return n == null ? null : n.valueAt(nowMillis);
    }

    @Override
    public Decision apply(String key, KeyStep step, CommitHook hook) {
        int h = spread(key.hashCode());
        Segment s = segmentOf(h);
        Decision d;
        synchronized (s) {
            if (s.updating) {
                throw new IllegalStateException("Recursive update of the entry store");
            }
            Node[] tab = s.table;
            int i = h & (tab.length - 1);
            Node head = (Node) BIN.getAcquire(tab, i);
            Node found = find(head, h, key);
            s.updating = true;
            try {
                d = found == null ? step.decide(null, 0, MemoryEntry.NO_EXPIRY)
                        : step.decide(found.entry, found.version, found.expiresAt);
            } finally {
                s.updating = false;
            }
            switch (d.action()) {
                case PUT:
                    if (found != null) {
                        found.set(d.entry());
                    } else {
                        BIN.setRelease(tab, i, new Node(h, key, d.entry(), head));
                        s.count++;
                        if (!step.holdsRoom()) {
                            rooms.incrementAndGet();
                        }
                        if (s.count > tab.length - (tab.length >>> 2)) {
                            resize(s, tab);
                        }
                    }
                    break;
                case REMOVE:
                    if (found != null) {
                        BIN.setRelease(tab, i, copyUntil(head, found, found.next));
                        s.count--;
                        rooms.decrementAndGet();
                    }
                    break;
                default:
                    break;
            }
            if (hook != null) {
                hook.committed(key, d);
            }
        }
        return d;
    }

    @Override
    public boolean reserve(int maxEntries) {
        for (;;) {
            long n = rooms.get();
            if (n >= maxEntries) {
                return false;
            }
            if (rooms.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    @Override
    public void release() {
        rooms.decrementAndGet();
    }

    private static Node copyUntil(Node n, Node stop, Node rest) {
        return n == stop ? rest : new Node(n, copyUntil(n.next, stop, rest));
    }

    /** Under the segment's monitor: a table twice as large, of new nodes. */
    private static void resize(Segment s, Node[] tab) {
        Node[] bigger = new Node[tab.length << 1];
        int mask = bigger.length - 1;
        for (Node head : tab) {
            for (Node n = head; n != null; n = n.next) {
                int j = n.hash & mask;
                bigger[j] = new Node(n, bigger[j]);
            }
        }
        s.table = bigger;
    }

    @Override
    public void forEach(BiConsumer<String, MemoryEntry> action) {
        for (Segment s : segments) {
            Node[] tab = s.table;
            for (int i = 0; i < tab.length; i++) {
                for (Node n = (Node) BIN.getAcquire(tab, i); n != null; n = n.next) {
                    action.accept(n.key, n.entry());
                }
            }
        }
    }

    /** The number of entries; exact when no update runs, like ConcurrentHashMap's. */
    @Override
    public long size() {
        long total = 0;
        for (Segment s : segments) {
            total += s.count;
        }
        return total;
    }

    @Override
    public void clear() {
        for (Segment s : segments) {
            synchronized (s) {
                rooms.addAndGet(-s.count);
                s.table = new Node[firstTable];
                s.count = 0;
            }
        }
    }
}
