package io.sharedmemory.engine.internal.store;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.store.CommitHook;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.KeyStep;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The in-memory {@link EntryTable}: segments of hash tables whose nodes carry, next to the entry, its value and expiry.
 * A read finds the value in the node it lands on; with a {@code ConcurrentHashMap} it would follow one more reference,
 * to the entry, which for a large namespace is one more cache miss per read. A write of a stored key updates its node
 * in place: the write reads the node to learn the current version, and a node that stays where it is stays in the
 * cache, where a new node per write would make every write of a large namespace miss on its key's node.
 *
 * <p>Each bin is a balanced binary tree ordered by hash, then by key, so that keys that share a hash code — which
 * anyone can make for {@code String.hashCode} ("Aa" and "BB") — cost O(log n) per operation, not O(n), and nothing
 * recurses deeper than the tree's height (at most 1.44 log2 n).
 */
public final class SegmentedEntryStore implements EntryTable {
    /*
     * Invariants.
     * - A key belongs to the segment picked by the high bits of its spread hash, and to the bin picked by the low bits
     *   in that segment's table. A segment's table, bins and nodes are written only under the segment's monitor;
     *   reads take no lock.
     * - A bin is an AVL tree ordered by (hash, key): the heights of a node's two subtrees differ by at most one. A
     *   node's hash, key, children and height never change: a tree's shape changes only by building a new path from
     *   the bin's root to the change (copying the nodes on it, rebalancing on the way back) and publishing the new root
     *   with a release store; a reader that loads a root (acquire) sees a whole tree, old or new. A copied node is
     *   never written again.
     * - A node's entry, value, expiry and version change in place, for a write of a key already stored. The node's
     *   `seq` is a seqlock over them: odd while they are written (set before them, behind a store-store fence), even
     *   once they are (a release store). A reader of more than one of them reads seq (acquire), the fields, then seq
     *   again after a load-load fence, and retries unless both reads show the same even number. The entry alone is
     *   read with an acquire load: it is one immutable object. A node is copied only under the monitor, where no write
     *   is under way, so a copy carries one whole state.
     * - A resize builds a new table from new nodes and publishes it through the volatile `table`; the old table is
     *   never written again, so a reader that still walks it sees the segment as it was just before.
     * - `count` is the number of nodes in the segment; it changes only under the monitor.
     * - `rooms` is the number of nodes in every segment plus the rooms reserved and not yet released or taken: a new key
     *   adds one unless its step holds a reservation, a removed key takes one away, both under the segment's monitor.
     *   A reservation is a CAS below the limit, so a namespace never holds more keys than its limit. A removal
     *   publishes the smaller tree before it takes its room away (the other order would let a new key in while the
     *   old one can still be read), so for a moment a key no reader sees still holds a room (`removing` counts such
     *   removals, raised before the publication and lowered after the return): a reservation that finds no room
     *   while one is under way passes every segment's monitor, which waits them out, and looks once more; with none
     *   under way it looks once more at once (one may have ended since), so refusals in a full namespace stay cheap.
     * - The step of an apply runs under the monitor, once; an apply from inside it on the same segment would build on a
     *   tree about to be replaced, so it is refused. The decision is installed whole before the hook runs (under the
     *   monitor, so the effects it claims are ordered like the key's commits); a step that throws installs nothing.
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

    /** A key's node: its place in its bin's tree, and its entry's state behind a seqlock. */
    static final class Node {
        final int hash;
        final String key;
        final Node left;
        final Node right;
        final int height;
        /** The seqlock of the fields below: odd while an update writes them. */
        private int seq;
        private MemoryEntry entry;
        private Object value;
        private long expiresAt;
        private long version;

        /** A new leaf. */
        Node(int hash, String key, MemoryEntry entry) {
            this.hash = hash;
            this.key = key;
            this.left = null;
            this.right = null;
            this.height = 1;
            this.entry = entry;
            this.value = entry.value();
            this.expiresAt = entry.expiresAtMillis();
            this.version = entry.version();
        }

        /** A copy of n with other children; under the segment's monitor. */
        Node(Node n, Node left, Node right) {
            this.hash = n.hash;
            this.key = n.key;
            this.left = left;
            this.right = right;
            this.height = 1 + Math.max(heightOf(left), heightOf(right));
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
    /** Removals between the publication of the smaller tree and the return of the key's room. */
    private final AtomicInteger removing = new AtomicInteger();

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

    private static int heightOf(Node n) {
        return n == null ? 0 : n.height;
    }

    /** The order of the trees: by hash, then by key. */
    private static int compare(int hash, String key, Node n) {
        if (hash != n.hash) {
            return hash < n.hash ? -1 : 1;
        }
        return key == n.key ? 0 : key.compareTo(n.key);
    }

    private static Node find(Node n, int hash, String key) {
        while (n != null) {
            if (n.hash == hash && (n.key == key || n.key.equals(key))) {
                return n;
            }
            n = compare(hash, key, n) < 0 ? n.left : n.right;
        }
        return null;
    }

    /** The key's node, or null; visible to tests so that one can tell an update in place from a new node. */
    Node node(String key) {
        int h = spread(key.hashCode());
        Node[] tab = segmentOf(h).table;
        return find((Node) BIN.getAcquire(tab, h & (tab.length - 1)), h, key);
    }

    /** The height of the tree of the key's bin: what a test checks stays logarithmic when hashes collide. */
    int binHeight(String key) {
        int h = spread(key.hashCode());
        Node[] tab = segmentOf(h).table;
        return heightOf((Node) BIN.getAcquire(tab, h & (tab.length - 1)));
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
            Node root = (Node) BIN.getAcquire(tab, i);
            Node found = find(root, h, key);
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
                        BIN.setRelease(tab, i, insert(root, h, key, d.entry()));
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
                        removing.incrementAndGet();
                        BIN.setRelease(tab, i, remove(root, h, key));
                        s.count--;
                        rooms.decrementAndGet();
                        removing.decrementAndGet();
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

    // ---------------------------------------------------------------- the trees (under the segment's monitor)

    /** @return the tree n with a new leaf for a key it does not hold */
    private static Node insert(Node n, int hash, String key, MemoryEntry entry) {
        if (n == null) {
            return new Node(hash, key, entry);
        }
        return compare(hash, key, n) < 0 ? balanced(n, insert(n.left, hash, key, entry), n.right)
                : balanced(n, n.left, insert(n.right, hash, key, entry));
    }

    /** @return the tree n with the node copied in (its state, not its children), for a resize */
    private static Node insert(Node n, Node source) {
        if (n == null) {
            return new Node(source, null, null);
        }
        return compare(source.hash, source.key, n) < 0 ? balanced(n, insert(n.left, source), n.right)
                : balanced(n, n.left, insert(n.right, source));
    }

    /** @return the tree n without the key, which it holds */
    private static Node remove(Node n, int hash, String key) {
        int c = compare(hash, key, n);
        if (c < 0) {
            return balanced(n, remove(n.left, hash, key), n.right);
        }
        if (c > 0) {
            return balanced(n, n.left, remove(n.right, hash, key));
        }
        if (n.left == null) {
            return n.right;
        }
        if (n.right == null) {
            return n.left;
        }
        Node successor = n.right;
        while (successor.left != null) {
            successor = successor.left;
        }
        return balanced(successor, n.left, removeLeftmost(n.right));
    }

    private static Node removeLeftmost(Node n) {
        return n.left == null ? n.right : balanced(n, removeLeftmost(n.left), n.right);
    }

    /** A copy of n over the subtrees l and r, rotated when their heights differ by two. */
    private static Node balanced(Node n, Node l, Node r) {
        int hl = heightOf(l);
        int hr = heightOf(r);
        if (hl > hr + 1) {
            if (heightOf(l.left) >= heightOf(l.right)) {
                return new Node(l, l.left, new Node(n, l.right, r));
            }
            Node m = l.right;
            return new Node(m, new Node(l, l.left, m.left), new Node(n, m.right, r));
        }
        if (hr > hl + 1) {
            if (heightOf(r.right) >= heightOf(r.left)) {
                return new Node(r, new Node(n, l, r.left), r.right);
            }
            Node m = r.left;
            return new Node(m, new Node(n, l, m.left), new Node(r, m.right, r.right));
        }
        return new Node(n, l, r);
    }

    /** Under the segment's monitor: a table twice as large, of new nodes. */
    private static void resize(Segment s, Node[] tab) {
        Node[] bigger = new Node[tab.length << 1];
        int mask = bigger.length - 1;
        for (Node root : tab) {
            visit(root, n -> {
                int j = n.hash & mask;
                bigger[j] = insert(bigger[j], n);
            });
        }
        s.table = bigger;
    }

    private static void visit(Node n, java.util.function.Consumer<Node> action) {
        if (n != null) {
            visit(n.left, action);
            action.accept(n);
            visit(n.right, action);
        }
    }

    // ---------------------------------------------------------------- room, iteration, size

    @Override
    public boolean reserve(int maxEntries) {
        if (tryReserve(maxEntries)) {
            return true;
        }
        if (removing.get() == 0) {
            // no removal between its publication and its room's return: one that ended since the refusal is seen now
            return tryReserve(maxEntries);
        }
        for (Segment s : segments) {
            synchronized (s) {
                // nothing to do here: entering waits for the removal under way in this segment, if any
            }
        }
        return tryReserve(maxEntries);
    }

    private boolean tryReserve(int maxEntries) {
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

    @Override
    public void forEach(BiConsumer<String, MemoryEntry> action) {
        for (Segment s : segments) {
            Node[] tab = s.table;
            for (int i = 0; i < tab.length; i++) {
                visit((Node) BIN.getAcquire(tab, i), n -> action.accept(n.key, n.entry()));
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
