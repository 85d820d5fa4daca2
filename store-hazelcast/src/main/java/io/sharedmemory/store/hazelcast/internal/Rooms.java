package io.sharedmemory.store.hazelcast.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rooms of a namespace: one counter per namespace, on one key of the memory's rooms map, changed only by
 * {@link Processor}s on that key's owner — so every reservation in the cluster is decided in one place, in one order,
 * without the CP subsystem (which the open-source edition lacks). Hazelcast's own size limits are approximate per
 * partition; this is exact.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code used} counts rooms: every stored entry holds one, taken before the key was added (by the engine's
 *       {@code reserve} for a namespace with a limit, by the store itself for one without), and given back after the
 *       key was removed. A reservation succeeds only when {@code used} is below the limit it is given. So stored
 *       entries plus reservations outstanding never exceed the limit.</li>
 *   <li>Reservations and frees are idempotent by the operation's name (as entry records are, see {@link EntryRecord}):
 *       a re-run after a failover is answered as the first run was, never counted twice.</li>
 *   <li>A member that dies between taking a room and adding its key, or between removing a key and freeing its room,
 *       leaves that room counted: the namespace may then hold one entry fewer than its limit, never one more. Dropping
 *       the namespace starts a new counter.</li>
 * </ul>
 */
final class Rooms {
    static final byte RESERVE = 1;
    static final byte FREE = 2;
    /** Read the count; changes nothing. */
    static final byte COUNT = 3;
    private static final int OUTCOMES = 16;

    private Rooms() {
    }

    static byte[] payload(byte op, long slot, long seq, long amount) {
        return Payload.writer().byteValue(op).longValue(slot).longValue(seq).longValue(amount).bytes();
    }

    /** On the owner of the namespace's counter: answers 1 (reserved, freed) or 0 (no room); COUNT answers the count. */
    static byte[] process(Processor p, Map.Entry<String, byte[]> entry) {
        Payload.Reader in = Payload.reader(p.payload);
        byte op = in.byteValue();
        long slot = in.longValue();
        long seq = in.longValue();
        long amount = in.longValue();
        Counter c = entry.getValue() == null ? new Counter() : Counter.parse(entry.getValue());
        if (op == COUNT) {
            return longBytes(c.used);
        }
        long[] mark = c.marks.get(slot);
        if (mark != null && seq <= mark[0]) {
            // a re-run: a reservation that changed the count was granted; a free always changed it
            return longBytes(1);
        }
        if (op == RESERVE) {
            if (c.used >= amount) {
                return longBytes(0);
            }
            c.used++;
        } else {
            c.used = Math.max(0, c.used - amount);
        }
        c.mark(slot, seq, System.currentTimeMillis());
        p.write(entry, c.toBytes(), 0);
        return longBytes(1);
    }

    static byte[] longBytes(long v) {
        return new byte[] {(byte) (v >>> 56), (byte) (v >>> 48), (byte) (v >>> 40), (byte) (v >>> 32),
                (byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static long longOf(byte[] b) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    /** The counter as stored: the rooms used and, per slot, the last operation that changed it. */
    private static final class Counter {
        long used;
        final Map<Long, long[]> marks = new LinkedHashMap<>();

        void mark(long slot, long seq, long now) {
            marks.remove(slot);
            marks.put(slot, new long[] {seq, now});
            Iterator<long[]> it = marks.values().iterator();
            while (it.hasNext()) {
                long[] m = it.next();
                if (marks.size() > OUTCOMES && now - m[1] > EntryRecord.MARK_MILLIS) {
                    it.remove();
                } else {
                    break;
                }
            }
        }

        byte[] toBytes() {
            Bytes.Out bytes = new Bytes.Out(16 + marks.size() * 24);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeLong(used);
                out.writeInt(marks.size());
                for (Map.Entry<Long, long[]> m : marks.entrySet()) {
                    out.writeLong(m.getKey());
                    out.writeLong(m.getValue()[0]);
                    out.writeLong(m.getValue()[1]);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        static Counter parse(byte[] bytes) {
            Counter c = new Counter();
            try (DataInputStream in = new DataInputStream(new Bytes.In(bytes))) {
                c.used = in.readLong();
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    long slot = in.readLong();
                    c.marks.put(slot, new long[] {in.readLong(), in.readLong()});
                }
            } catch (IOException e) {
                throw new UncheckedIOException("a corrupt room counter", e);
            }
            return c;
        }
    }
}
