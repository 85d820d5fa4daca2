package io.sharedmemory.store.hazelcast.internal;

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
 *       The answer of the record's last change is kept whole, to answer its re-run exactly; a re-run of an earlier
 *       change (another change of the key came between) is answered "applied, outcome unknown". Marks older than
 *       {@link #MARK_MILLIS} are dropped.</li>
 *   <li>The kept answer holds the installed entry's bytes (an engine decision carries its entry): they are stored
 *       once, in {@code entry}, and spliced back into the answer when it is given again — the answer belongs to the
 *       last change, so {@code entry} is still the entry it installed. A record stays about the size of its entry.</li>
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
    /** The last change's operation and its answer (without the entry's bytes, at {@code outcomeSplice}; or whole). */
    private long outcomeSlot;
    private long outcomeSeq;
    private byte[] outcome;
    private int outcomeSplice = -1;
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
        if (outcome != null && outcomeSlot == slot && outcomeSeq == seq) {
            return Seen.REPEATED;
        }
        return seq == mark[0] ? Seen.FORGOTTEN : Seen.STALE;
    }

    /** @return the answer recorded for the operation, which {@link #seen} said was REPEATED */
    byte[] outcome(long slot, long seq) {
        if (outcome == null || outcomeSlot != slot || outcomeSeq != seq) {
            throw new IllegalStateException("no outcome recorded for " + slot + "/" + seq);
        }
        if (outcomeSplice < 0) {
            return outcome;
        }
        byte[] whole = new byte[outcome.length + entry.length];
        System.arraycopy(outcome, 0, whole, 0, outcomeSplice);
        System.arraycopy(entry, 0, whole, outcomeSplice, entry.length);
        System.arraycopy(outcome, outcomeSplice, whole, outcomeSplice + entry.length, outcome.length - outcomeSplice);
        return whole;
    }

    /**
     * Notes the operation that made the record's last change, with the answer its caller got (after {@link #change}).
     *
     * @param now the owner's wall-clock time (not the callers' clocks, which tests move at will): marks age by it
     */
    void remember(long slot, long seq, byte[] answer, long now) {
        outcomeSlot = slot;
        outcomeSeq = seq;
        int at = entry == null ? -1 : indexOf(answer, entry);
        if (at < 0) {
            outcome = answer;
            outcomeSplice = -1;
        } else {
            outcome = new byte[answer.length - entry.length];
            System.arraycopy(answer, 0, outcome, 0, at);
            System.arraycopy(answer, at + entry.length, outcome, at, answer.length - at - entry.length);
            outcomeSplice = at;
        }
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

    private static int indexOf(byte[] in, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= in.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (in[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The record after a change: the next revision, with what made it. */
    void change(byte kind, byte[] entry, byte[] dead, String agent, long at) {
        // the kept answer belonged to the change this one replaces
        this.outcome = null;
        this.outcomeSplice = -1;
        this.rev++;
        this.kind = kind;
        this.entry = entry;
        this.dead = dead;
        this.agent = agent;
        this.at = at;
    }

    byte[] toBytes() {
        Bytes.Out bytes = new Bytes.Out(64 + (entry == null ? 0 : entry.length)
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
            writeBlob(out, outcome);
            if (outcome != null) {
                out.writeLong(outcomeSlot);
                out.writeLong(outcomeSeq);
                out.writeInt(outcomeSplice);
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
        try (DataInputStream in = new DataInputStream(new Bytes.In(bytes))) {
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
            r.outcome = readBlob(in);
            if (r.outcome != null) {
                r.outcomeSlot = in.readLong();
                r.outcomeSeq = in.readLong();
                r.outcomeSplice = in.readInt();
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
