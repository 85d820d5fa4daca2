package io.sharedmemory.store.hazelcast.internal;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.KeyStep;
import io.sharedmemory.store.StoreCodec;
import io.sharedmemory.store.StoreException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * What a {@link Processor} does to an entry record on the key's owner: run one of the engine's steps there
 * ({@link #step}), install a decision the caller made if the record is still the one it decided on ({@link #install}),
 * or remove the entry on the store's account ({@link #clear}). Each change of a record notes the operation's name and
 * answer in the record first, so that a re-run is answered as the first run was (see {@link EntryRecord}).
 */
final class OwnerSteps {
    /** Operations this JVM's members answered from a record because they had run before (for tests and operators). */
    static final java.util.concurrent.atomic.AtomicLong REPEATS = new java.util.concurrent.atomic.AtomicLong();

    private OwnerSteps() {
    }

    /** The payload of a step: memory, slot, sequence, time, whether the store took room for it, the step's bytes. */
    static byte[] stepPayload(String memory, long slot, long seq, long at, boolean storeRoom, byte[] step) {
        return Payload.writer().text(memory).longValue(slot).longValue(seq).longValue(at).bool(storeRoom).blob(step)
                .bytes();
    }

    static byte[] step(Processor p, Map.Entry<String, byte[]> entry) {
        Payload.Reader in = Payload.reader(p.payload);
        String memory = in.text();
        long slot = in.longValue();
        long seq = in.longValue();
        long at = in.longValue();
        boolean storeRoom = in.bool();
        byte[] stepBytes = in.blob();
        byte[] stored = entry.getValue();
        EntryRecord rec = stored == null ? null : EntryRecord.parse(stored);
        byte[] seen = seen(rec, slot, seq);
        if (seen != null) {
            return seen;
        }
        LocalEngines.Handle engine = p.instance() == null ? null : LocalEngines.of(p.instance()).any(memory);
        if (engine == null) {
            return Response.of(Response.NO_ENGINE);
        }
        StoreCodec codec = engine.codec();
        KeyStep step;
        MemoryEntry current;
        try {
            step = codec.readStep(new DataInputStream(new Bytes.In(stepBytes)));
            current = rec == null || rec.entry == null ? null : read(codec, rec.entry);
        } catch (IOException e) {
            return Response.failed("the key's owner could not read the step: " + e);
        }
        Decision d;
        try {
            d = current == null ? step.decide(null, 0, MemoryEntry.NO_EXPIRY)
                    : step.decide(current, current.version(), current.expiresAtMillis());
        } catch (StoreException e) {
            return Response.failed(e.getMessage());
        }
        byte[] decision;
        byte[] written = null;
        try {
            Bytes.Out bytes = new Bytes.Out(64);
            codec.writeDecision(d, new DataOutputStream(bytes));
            decision = bytes.toByteArray();
            if (d.action() == Decision.Action.PUT) {
                written = write(codec, d.entry());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean overDead = d.action() == Decision.Action.PUT && current != null
                && current.isExpiredAt(d.entry().timestampMillis());
        return commit(p, entry, rec, slot, seq, at, d.action(), written, overDead, d.agentId(),
                step.holdsRoom() || storeRoom, decision);
    }

    /**
     * The payload of an install: slot, sequence, time; the record it was decided on (whether there was one, its
     * revision and incarnation); the decision (action, entry bytes, whether it writes over an entry that had expired,
     * the deleting agent); whether the caller holds room.
     */
    static byte[] installPayload(long slot, long seq, long at, byte[] decidedOn, Decision.Action action,
                                 byte[] entry, boolean overDead, String agent, boolean roomHeld) {
        return Payload.writer().longValue(slot).longValue(seq).longValue(at)
                .bool(decidedOn != null)
                .longValue(decidedOn == null ? 0 : EntryRecord.revOf(decidedOn))
                .longValue(decidedOn == null ? 0 : EntryRecord.baseOf(decidedOn))
                .byteValue(action.ordinal()).blob(entry).bool(overDead).text(agent).bool(roomHeld).bytes();
    }

    static byte[] install(Processor p, Map.Entry<String, byte[]> entry) {
        Payload.Reader in = Payload.reader(p.payload);
        long slot = in.longValue();
        long seq = in.longValue();
        long at = in.longValue();
        boolean hadRecord = in.bool();
        long rev = in.longValue();
        long base = in.longValue();
        Decision.Action action = Decision.Action.values()[in.byteValue()];
        byte[] written = in.blob();
        boolean overDead = in.bool();
        String agent = in.text();
        boolean roomHeld = in.bool();
        byte[] stored = entry.getValue();
        EntryRecord rec = stored == null ? null : EntryRecord.parse(stored);
        byte[] seen = seen(rec, slot, seq);
        if (seen != null) {
            return seen;
        }
        if (hadRecord ? rec == null || rec.rev != rev || rec.base != base : rec != null) {
            return Response.of(Response.CONFLICT);
        }
        return commit(p, entry, rec, slot, seq, at, action, written, overDead, agent, roomHeld, null);
    }

    /** @return the answer to an operation the record has seen, or null for a new one */
    private static byte[] seen(EntryRecord rec, long slot, long seq) {
        if (rec == null) {
            return null;
        }
        switch (rec.seen(slot, seq)) {
            case REPEATED:
                REPEATS.incrementAndGet();
                return rec.outcome(slot, seq);
            case FORGOTTEN:
                return Response.of(Response.FORGOTTEN);
            case STALE:
                return Response.of(Response.STALE);
            default:
                return null;
        }
    }

    private static byte[] commit(Processor p, Map.Entry<String, byte[]> entry, EntryRecord rec, long slot, long seq,
                                 long at, Decision.Action action, byte[] written, boolean overDead, String agent,
                                 boolean roomHeld, byte[] decision) {
        boolean absent = rec == null || rec.entry == null;
        switch (action) {
            case PUT: {
                if (absent && !roomHeld) {
                    return Response.of(Response.NEEDS_ROOM);
                }
                EntryRecord next = rec != null ? rec : EntryRecord.fresh(Slots.randomId());
                byte[] dead = overDead && !absent ? rec.entry : null;
                next.change(dead != null ? EntryRecord.WRITE_OVER_DEAD : EntryRecord.WRITE, written, dead, null, at);
                byte[] answer = Response.applied(absent ? Response.ADDED : Response.UPDATED, next.rev, next.base,
                        decision);
                next.remember(slot, seq, answer, System.currentTimeMillis());
                p.write(entry, next.toBytes(), 0);
                return answer;
            }
            case REMOVE: {
                if (absent) {
                    return Response.applied(Response.NONE, rec == null ? 0 : rec.rev, rec == null ? 0 : rec.base,
                            decision);
                }
                byte kind = agent != null ? EntryRecord.DELETE : EntryRecord.EXPIRE;
                rec.change(kind, null, kind == EntryRecord.EXPIRE ? rec.entry : null, agent, at);
                byte[] answer = Response.applied(Response.REMOVED, rec.rev, rec.base, decision);
                rec.remember(slot, seq, answer, System.currentTimeMillis());
                p.write(entry, rec.toBytes(), Processor.TOMBSTONE_SECONDS);
                return answer;
            }
            default:
                return Response.applied(Response.NONE, rec == null ? 0 : rec.rev, rec == null ? 0 : rec.base,
                        decision);
        }
    }

    /** The payload of a clear: the time of the removals. */
    static byte[] clearPayload(long at) {
        return Payload.writer().longValue(at).bytes();
    }

    /** @return a REMOVED answer when the record held an entry (now a tombstone), else null */
    static byte[] clear(Processor p, Map.Entry<String, byte[]> entry) {
        byte[] stored = entry.getValue();
        if (stored == null || EntryRecord.entryOf(stored) == null) {
            return null;
        }
        long at = Payload.reader(p.payload).longValue();
        EntryRecord rec = EntryRecord.parse(stored);
        rec.change(EntryRecord.REMOVED, null, null, null, at);
        p.write(entry, rec.toBytes(), Processor.TOMBSTONE_SECONDS);
        return Response.applied(Response.REMOVED, rec.rev, rec.base, null);
    }

    static MemoryEntry read(StoreCodec codec, byte[] entry) throws IOException {
        return codec.readEntry(new DataInputStream(new Bytes.In(entry)));
    }

    static byte[] write(StoreCodec codec, MemoryEntry entry) throws IOException {
        Bytes.Out bytes = new Bytes.Out(64);
        codec.writeEntry(entry, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }
}
