package io.sharedmemory.store.hazelcast.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What an entry processor answers its caller, as bytes (so that an answer can be kept in the record and given again,
 * word for word, to a re-run): how it went, what it did to the key's presence, the record's revision after it, and the
 * engine's decision in the engine's binary form (for a step run on the owner).
 *
 * @param status {@link #APPLIED} or why not
 * @param change what the key's presence became: {@link #NONE}, {@link #ADDED}, {@link #UPDATED}, {@link #REMOVED}
 * @param rev the record's revision after the operation
 * @param base the record's incarnation
 * @param decision the decision in the engine's binary form, or null
 * @param message why it failed ({@link #FAILED}), or null
 */
record Response(byte status, byte change, long rev, long base, byte[] decision, String message) {
    /** Done (or done before, for a re-run): see {@code change}. */
    static final byte APPLIED = 0;
    /** A re-run of an operation that was applied, whose outcome the record no longer holds. */
    static final byte FORGOTTEN = 2;
    /** An operation older than one its slot ran since: its caller gave up on it; not applied now. */
    static final byte STALE = 3;
    /** No engine of this memory on the key's owner to decode the step: run it from the caller instead. */
    static final byte NO_ENGINE = 4;
    /** The step adds a key and holds no room: take one and run it again. */
    static final byte NEEDS_ROOM = 5;
    /** The record is not the one the caller decided on: read it again and decide again. */
    static final byte CONFLICT = 6;
    /** The step itself refused (a StoreException it threw); nothing changed. */
    static final byte FAILED = 7;

    static final byte NONE = 0;
    static final byte ADDED = 1;
    static final byte UPDATED = 2;
    static final byte REMOVED = 3;

    static byte[] of(byte status) {
        return new Response(status, NONE, 0, 0, null, null).toBytes();
    }

    static byte[] failed(String message) {
        return new Response(FAILED, NONE, 0, 0, null, message).toBytes();
    }

    static byte[] applied(byte change, long rev, long base, byte[] decision) {
        return new Response(APPLIED, change, rev, base, decision, null).toBytes();
    }

    byte[] toBytes() {
        Bytes.Out bytes = new Bytes.Out(32 + (decision == null ? 0 : decision.length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(status);
            out.writeByte(change);
            out.writeLong(rev);
            out.writeLong(base);
            EntryRecord.writeBlob(out, decision);
            out.writeBoolean(message != null);
            if (message != null) {
                out.writeUTF(message.length() > 10_000 ? message.substring(0, 10_000) : message);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Response parse(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new Bytes.In(bytes))) {
            byte status = in.readByte();
            byte change = in.readByte();
            long rev = in.readLong();
            long base = in.readLong();
            byte[] decision = EntryRecord.readBlob(in);
            String message = in.readBoolean() ? in.readUTF() : null;
            return new Response(status, change, rev, base, decision, message);
        } catch (IOException e) {
            throw new UncheckedIOException("a corrupt answer of an entry processor", e);
        }
    }
}
