package io.sharedmemory.store.hazelcast.internal;

import com.hazelcast.map.IMap;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.KeyStep;
import io.sharedmemory.store.StoreCodec;
import io.sharedmemory.store.StoreException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The entries of one namespace: an {@link IMap} of key → {@link EntryRecord} bytes, one map per namespace and
 * incarnation, changed only by {@link Processor}s on each key's owner.
 *
 * <h2>How a step runs</h2>
 * One of the engine's steps travels in the engine's binary form and runs on the key's owner with the owner's engine —
 * its strategy is the owner's, and a strategy missing there decides {@code STRATEGY_UNAVAILABLE} ({@link
 * OwnerSteps#step}). Any other step — a store's own, or one of a {@code custom} namespace, whose resolver is a function
 * of the caller's process, or one whose owner runs no engine of this memory — runs here, as a compare-and-set loop:
 * read the record, decide, install the decision on the owner if the record is still the one read, else read and
 * decide again ({@link OwnerSteps#install}). Either way the change is atomic for the key.
 *
 * <h2>Rooms</h2>
 * Every stored entry holds a room of the namespace's counter ({@link Rooms}). A step that adds a key without holding
 * one of the engine's reservations (a namespace without limit) makes the owner answer {@code NEEDS_ROOM}; the table
 * then takes a room (no limit) and runs the step again. A removal gives its room back after the fact.
 *
 * <h2>Reads</h2>
 * A read fetches the key's record from its owner and decodes only the entry; {@link #liveValue} judges the entry's own
 * deadline to the millisecond (Hazelcast's time to live is in whole seconds and only cleans tombstones up).
 */
final class ClusterTable implements EntryTable {
    private final ClusterStore store;
    final String namespace;
    final long incarnation;
    final String mapName;
    private final String roomsKey;
    private final List<IMap<String, byte[]>> maps;
    private int next;

    ClusterTable(ClusterStore store, String namespace, long incarnation) {
        this.store = store;
        this.namespace = namespace;
        this.incarnation = incarnation;
        this.mapName = store.memory + ".ns." + Long.toHexString(incarnation) + "." + namespace;
        this.roomsKey = namespace + "#" + Long.toHexString(incarnation);
        this.maps = store.members.stream().map(m -> m.<String, byte[]>getMap(mapName)).toList();
    }

    /** The map through the next member (one member but in the tests that spread operations over several). */
    IMap<String, byte[]> map() {
        if (maps.size() == 1) {
            return maps.get(0);
        }
        int i = next;
        next = i + 1 == maps.size() ? 0 : i + 1;
        return maps.get(i);
    }

    @Override
    public MemoryEntry get(String key) {
        byte[] entry = EntryRecord.entryOf(Calls.call("read of \"" + key + "\"", false, () -> map().get(key)));
        return entry == null ? null : decode(entry);
    }

    @Override
    public Object liveValue(String key, long nowMillis) {
        MemoryEntry e = get(key);
        return e == null ? null : e.isExpiredAt(nowMillis) ? EXPIRED : e.value();
    }

    @Override
    public Decision apply(String key, KeyStep step, io.sharedmemory.store.CommitHook hook) {
        Slots.Slot slot = store.slots.take();
        try {
            byte[] stepBytes = store.runsOnOwner(namespace) ? encode(step) : null;
            return stepBytes != null ? onOwner(key, step, stepBytes, slot) : here(key, step, slot);
        } finally {
            store.slots.give(slot);
        }
    }

    /** @return the step in the engine's binary form, or null when it is not one of the engine's */
    private byte[] encode(KeyStep step) {
        Bytes.Out bytes = new Bytes.Out(128);
        try {
            store.codec.writeStep(step, new DataOutputStream(bytes));
        } catch (IllegalArgumentException notTheEngines) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private Decision onOwner(String key, KeyStep step, byte[] stepBytes, Slots.Slot slot) {
        boolean storeRoom = false;
        for (;;) {
            byte[] payload = OwnerSteps.stepPayload(store.memory, slot.id, slot.next(), store.clock.millis(),
                    storeRoom, stepBytes);
            Response r = Response.parse(Calls.call("write of \"" + key + "\"", true,
                    () -> map().executeOnKey(key, new Processor(Processor.STEP, payload))));
            switch (r.status()) {
                case Response.APPLIED: {
                    Decision d;
                    try {
                        d = store.codec.readDecision(new DataInputStream(new Bytes.In(
                                r.decision())));
                    } catch (IOException e) {
                        throw new StoreException("the key's owner answered a decision this member cannot read: " + e,
                                e, true);
                    }
                    settle(key, r, storeRoom);
                    return d;
                }
                case Response.NEEDS_ROOM:
                    takeRoom(slot);
                    storeRoom = true;
                    break;
                case Response.NO_ENGINE:
                    if (storeRoom) {
                        free(slot, 1);
                    }
                    return here(key, step, slot);
                case Response.FAILED:
                    if (storeRoom) {
                        free(slot, 1);
                    }
                    throw new StoreException(r.message());
                default:
                    throw unknown(key, r);
            }
        }
    }

    /** The compare-and-set loop: decide here, install on the owner if nothing changed since the read. */
    private Decision here(String key, KeyStep step, Slots.Slot slot) {
        boolean storeRoom = false;
        try {
            for (;;) {
                byte[] stored = Calls.call("read of \"" + key + "\"", false, () -> map().get(key));
                byte[] entryBytes = EntryRecord.entryOf(stored);
                MemoryEntry current = entryBytes == null ? null : decode(entryBytes);
                Decision d = current == null ? step.decide(null, 0, MemoryEntry.NO_EXPIRY)
                        : step.decide(current, current.version(), current.expiresAtMillis());
                Decision.Action action = d.action();
                if (action == Decision.Action.KEEP || (action == Decision.Action.REMOVE && current == null)) {
                    return d;
                }
                if (action == Decision.Action.PUT && current == null && !step.holdsRoom() && !storeRoom) {
                    takeRoom(slot);
                    storeRoom = true;
                }
                byte[] written = action == Decision.Action.PUT ? encode(d.entry()) : null;
                boolean overDead = action == Decision.Action.PUT && current != null
                        && current.isExpiredAt(d.entry().timestampMillis());
                byte[] payload = OwnerSteps.installPayload(slot.id, slot.next(), store.clock.millis(), stored,
                        action, written, overDead, d.agentId(), step.holdsRoom() || storeRoom);
                Response r = Response.parse(Calls.call("write of \"" + key + "\"", true,
                        () -> map().executeOnKey(key, new Processor(Processor.INSTALL, payload))));
                if (r.status() == Response.APPLIED) {
                    boolean took = storeRoom;
                    storeRoom = false;
                    settle(key, r, took);
                    return d;
                }
                if (r.status() != Response.CONFLICT && r.status() != Response.NEEDS_ROOM) {
                    storeRoom = false; // the outcome is unknown: the room stays counted rather than over-counted
                    throw unknown(key, r);
                }
            }
        } finally {
            if (storeRoom) {
                free(slot, 1);
            }
        }
    }

    /** After a change: rooms given back, and the change noted for {@code awaitReported}. */
    private void settle(String key, Response r, boolean storeRoom) {
        if (storeRoom && r.change() != Response.ADDED) {
            free(1);
        }
        if (r.change() == Response.REMOVED) {
            free(1);
        }
        if (r.change() != Response.NONE) {
            store.committed(namespace, key, r.base(), r.rev());
        }
    }

    private StoreException unknown(String key, Response r) {
        return new StoreException("the write of \"" + key + "\" may have been applied but its outcome is unknown ("
                + (r.status() == Response.FORGOTTEN ? "the key's owner failed and its record no longer holds the answer"
                : "the operation arrived after its caller had given up on it") + ")", null, true);
    }

    private byte[] encode(MemoryEntry e) {
        try {
            return OwnerSteps.write(store.codec, e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    MemoryEntry decode(byte[] entry) {
        try {
            return OwnerSteps.read(store.codec, entry);
        } catch (IOException e) {
            throw new StoreException("a stored entry of namespace \"" + namespace + "\" cannot be read: " + e, e);
        }
    }

    @Override
    public void forEach(BiConsumer<String, MemoryEntry> action) {
        // entrySet is a query: it follows partitions that migrate meanwhile, where an iterator would skip or repeat
        for (Map.Entry<String, byte[]> e : Calls.call("scan of namespace \"" + namespace + "\"", false,
                () -> map().entrySet())) {
            byte[] entry = EntryRecord.entryOf(e.getValue());
            if (entry != null) {
                action.accept(e.getKey(), decode(entry));
            }
        }
    }

    @Override
    public long size() {
        return Calls.call("count of namespace \"" + namespace + "\"", false, () -> map().aggregate(new LiveCount()));
    }

    @Override
    public boolean reserve(int maxEntries) {
        Slots.Slot slot = store.slots.take();
        try {
            return room(slot, Rooms.RESERVE, maxEntries);
        } finally {
            store.slots.give(slot);
        }
    }

    @Override
    public void release() {
        Slots.Slot slot = store.slots.take();
        try {
            room(slot, Rooms.FREE, 1);
        } finally {
            store.slots.give(slot);
        }
    }

    private void takeRoom(Slots.Slot slot) {
        room(slot, Rooms.RESERVE, Long.MAX_VALUE);
    }

    /** Gives back rooms, as an operation of the given slot. */
    private void free(Slots.Slot slot, long n) {
        room(slot, Rooms.FREE, n);
    }

    /** Gives back rooms, as an operation of a slot of its own. */
    private void free(long n) {
        Slots.Slot slot = store.slots.take();
        try {
            room(slot, Rooms.FREE, n);
        } finally {
            store.slots.give(slot);
        }
    }

    private boolean room(Slots.Slot slot, byte op, long amount) {
        byte[] payload = Rooms.payload(op, slot.id, slot.next(), amount);
        return Rooms.longOf(Calls.call("room of namespace \"" + namespace + "\"", true,
                () -> store.rooms().executeOnKey(roomsKey, new Processor(Processor.ROOM, payload)))) == 1;
    }

    /** @return the rooms counted (entries plus reservations outstanding), for operators */
    long roomsUsed() {
        byte[] payload = Rooms.payload(Rooms.COUNT, 0, 0, 0);
        return Rooms.longOf(Calls.call("room count of namespace \"" + namespace + "\"", false,
                () -> store.rooms().executeOnKey(roomsKey, new Processor(Processor.ROOM, payload))));
    }

    @Override
    public void clear() {
        Map<String, byte[]> removed = Calls.call("clear of namespace \"" + namespace + "\"", true,
                () -> map().executeOnEntries(new Processor(Processor.CLEAR,
                        OwnerSteps.clearPayload(store.clock.millis()))));
        long n = 0;
        for (Map.Entry<String, byte[]> e : removed.entrySet()) {
            if (e.getValue() != null) {
                Response r = Response.parse(e.getValue());
                store.committed(namespace, e.getKey(), r.base(), r.rev());
                n++;
            }
        }
        if (n > 0) {
            free(n);
        }
    }

    /** The store forgets the namespace: its entries and rooms go, once every member let go of them. */
    void destroy() {
        try {
            maps.get(0).destroy();
            store.rooms().delete(roomsKey);
        } catch (RuntimeException e) {
            ClusterStore.LOG.log(System.Logger.Level.DEBUG, "namespace map " + mapName + " not destroyed", e);
        }
    }
}
