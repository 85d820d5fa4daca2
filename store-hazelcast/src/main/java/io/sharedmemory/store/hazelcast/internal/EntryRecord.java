package io.sharedmemory.store.hazelcast.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an entry map holds for one key, as bytes: the entry (in the engine's binary form, or none for a key that was
 * removed — a tombstone, kept for a while so that a step run again after a failover is answered as the first run
 * was), the change that made it (for the subscribers of every member), and the key's recent operations.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code rev} grows by one with every change of the record; {@code base} names the record's incarnation (drawn at
 *       random when a key without a record gets one), so that a listener sees a gap as a jump in {@code rev} within
 *       one {@code base}, and a new incarnation as a new {@code base}.</li>
 *   <li>Each operation is named by its slot and sequence (see {@link Slots}): a slot runs one operation at a time and
 *       its sequence grows, so {@code marks[slot]} — the highest sequence of that slot that changed this record — tells
 *       a re-run ({@code seq == mark}) and an operation the caller has given up on ({@code seq < mark}) from a new one.
 *       The outcomes of the last {@value #OUTCOMES} changes are kept whole, to answer a re-run exactly; older re-runs
 *       are answered "applied, outcome unknown". Marks older than {@link #MARK_MILLIS} are dropped.</li>
 *   <li>The entry's bytes come first after a fixed header, so a read finds them without parsing the rest.</li>
 * </ul>
 */
final class EntryRecord {
    static final byte FORMAT = 1;
    /** What made the record as it is: a write; a write over an entry that had expired; a delete; an expiry. */
    static final byte WRITE = 1;
    static final byte WRITE_OVER_DEAD = 2;
    static final byte DELETE = 3;
    static final byte EXPIRE = 4;
    /** The store removed the entry on its own ({@code EntryTable.clear}). */
    static final byte REMOVED = 5;
    static final int OUTCOMES = 4;
    static final long MARK_MILLIS = 10 * 60_000L;
    private static final int ENTRY_OFFSET = 1 + 8 + 8 + 1 + 8;

    long rev;
    long base;
    byte kind;
    long at;
    /** The entry in the engine's binary form; null for a tombstone. */
    byte[] entry;
    /** The entry this change reports as expired (EXPIRE, WRITE_OVER_DEAD), or null. */
    byte[] dead;
    /** Who deleted the key (DELETE), or null. */
    String agent;
    private final long[] outcomeSlot = new long[OUTCOMES];
    private final long[] outcomeSeq = new long[OUTCOMES];
    private final byte[][] outcome = new byte[OUTCOMES][];
    private int outcomes;
    /** slot → {sequence, time}, oldest first. */
    private final Map<Long, long[]> marks = new LinkedHashMap<>();

    /** What a record says about an operation it may have seen. */
    enum Seen { NEW, REPEATED, FORGOTTEN, STALE }

    /** @return a record for a key that had none */
    static EntryRecord fresh(long base) {
        EntryRecord r = new EntryRecord();
        r.base = base;
        return r;
    }

    /** @return the entry bytes of a stored record, or null for a tombstone (reads parse nothing else) */
    static byte[] entryOf(byte[] record) {
        if (record == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(record);
        int len = b.getInt(ENTRY_OFFSET);
        if (len < 0) {
            return null;
        }
        byte[] e = new byte[len];
        b.get(ENTRY_OFFSET + 4, e);
        return e;
    }

    /** @return whether a stored record holds an entry (else it is a tombstone), without parsing the rest */
    static boolean holdsEntry(byte[] record) {
        return record != null && ByteBuffer.wrap(record).getInt(ENTRY_OFFSET) >= 0;
    }

    /** @return rev and base of a stored record, without parsing the rest */
    static long revOf(byte[] record) {
        return ByteBuffer.wrap(record).getLong(1);
    }

    static long baseOf(byte[] record) {
        return ByteBuffer.wrap(record).getLong(9);
    }

    Seen seen(long slot, long seq) {
        long[] mark = marks.get(slot);
        if (mark == null || seq > mark[0]) {
            return Seen.NEW;
        }
        for (int i = 0; i < outcomes; i++) {
            if (outcomeSlot[i] == slot && outcomeSeq[i] == seq) {
                return Seen.REPEATED;
            }
        }
        return seq == mark[0] ? Seen.FORGOTTEN : Seen.STALE;
    }

    /** @return the outcome recorded for the operation, which {@link #seen} said was REPEATED */
    byte[] outcome(long slot, long seq) {
        for (int i = 0; i < outcomes; i++) {
            if (outcomeSlot[i] == slot && outcomeSeq[i] == seq) {
                return outcome[i];
            }
        }
        throw new IllegalStateException("no outcome recorded for " + slot + "/" + seq);
    }

    /** Notes an operation that changed the record, with the answer its caller got. */
    void remember(long slot, long seq, byte[] answer, long now) {
        if (outcomes == OUTCOMES) {
            System.arraycopy(outcomeSlot, 1, outcomeSlot, 0, OUTCOMES - 1);
            System.arraycopy(outcomeSeq, 1, outcomeSeq, 0, OUTCOMES - 1);
            System.arraycopy(outcome, 1, outcome, 0, OUTCOMES - 1);
            outcomes--;
        }
        outcomeSlot[outcomes] = slot;
        outcomeSeq[outcomes] = seq;
        outcome[outcomes] = answer;
        outcomes++;
        marks.remove(slot);
        marks.put(slot, new long[] {seq, now});
        for (Iterator<long[]> it = marks.values().iterator(); it.hasNext(); ) {
            if (now - it.next()[1] > MARK_MILLIS) {
                it.remove();
            } else {
                break;
            }
        }
    }

    /** The record after a change: the next revision, with what made it. */
    void change(byte kind, byte[] entry, byte[] dead, String agent, long at) {
        this.rev++;
        this.kind = kind;
        this.entry = entry;
        this.dead = dead;
        this.agent = agent;
        this.at = at;
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (entry == null ? 0 : entry.length)
                + (dead == null ? 0 : dead.length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(rev);
            out.writeLong(base);
            out.writeByte(kind);
            out.writeLong(at);
            writeBlob(out, entry);
            writeBlob(out, dead);
            out.writeBoolean(agent != null);
            if (agent != null) {
                out.writeUTF(agent);
            }
            out.writeByte(outcomes);
            for (int i = 0; i < outcomes; i++) {
                out.writeLong(outcomeSlot[i]);
                out.writeLong(outcomeSeq[i]);
                writeBlob(out, outcome[i]);
            }
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

    static EntryRecord parse(byte[] bytes) {
        EntryRecord r = new EntryRecord();
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalStateException("not an entry record of format " + FORMAT + ": " + format);
            }
            r.rev = in.readLong();
            r.base = in.readLong();
            r.kind = in.readByte();
            r.at = in.readLong();
            r.entry = readBlob(in);
            r.dead = readBlob(in);
            r.agent = in.readBoolean() ? in.readUTF() : null;
            r.outcomes = in.readUnsignedByte();
            for (int i = 0; i < r.outcomes; i++) {
                r.outcomeSlot[i] = in.readLong();
                r.outcomeSeq[i] = in.readLong();
                r.outcome[i] = readBlob(in);
            }
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                long slot = in.readLong();
                r.marks.put(slot, new long[] {in.readLong(), in.readLong()});
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a corrupt entry record", e);
        }
        return r;
    }

    static void writeBlob(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    static byte[] readBlob(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0) {
            return null;
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }
}
