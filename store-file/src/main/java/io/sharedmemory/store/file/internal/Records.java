package io.sharedmemory.store.file.internal;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.store.StoreCodec;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

/**
 * The records of the log and of snapshots: one per state change, each a type byte and its fields. A namespace is named
 * in a record by its id (given when it is added, never reused while the store lives), so a write's record carries four
 * bytes, not the namespace's name. Entries are written in the engine's binary form ({@link StoreCodec#writeEntry}).
 *
 * <pre>
 * NS_ADD   id:int name:string config      a namespace is added (an id seen again replaces the old one, emptied)
 * NS_SAVE  id:int config                  its configuration is replaced, entries kept
 * NS_DROP  id:int                         it is removed with its entries
 * PUT      id:int key:string entry        the key's entry is stored, replacing any
 * REMOVE   id:int key:string              the key is removed
 * CLEAR    id:int                         every entry of the namespace is removed
 * SEAL     next:long                      the end of a log segment; the log goes on in segment `next`
 * SNAP_NS  id:int name:string config      (snapshots) a namespace, followed by its PUT records
 * SNAP_END nextId:int namespaces:long entries:long   (snapshots) the end: a snapshot without it is incomplete
 * config = version:byte(1) defaultPermission:string overrides:int (agent:string permission:string)*
 *          strategy:string maxEntries:int ttlMillis:long          (never the custom resolver: not data)
 * </pre>
 */
final class Records {
    static final int NS_ADD = 1;
    static final int NS_SAVE = 2;
    static final int NS_DROP = 3;
    static final int PUT = 4;
    static final int REMOVE = 5;
    static final int CLEAR = 6;
    static final int SEAL = 7;
    static final int SNAP_NS = 10;
    static final int SNAP_END = 11;
    private static final int CONFIG_VERSION = 1;

    private Records() {
    }

    /** What a change record does, told to whoever replays it. */
    interface Visitor {
        void addNamespace(int id, String name, NamespaceConfig config);

        void saveNamespace(int id, NamespaceConfig config);

        void dropNamespace(int id);

        void put(int id, String key, MemoryEntry entry);

        void remove(int id, String key);

        void clear(int id);
    }

    static RecordWriter addNamespace(int id, String name, NamespaceConfig config) {
        RecordWriter w = RecordWriter.local().begin(NS_ADD);
        w.writeInt(id);
        w.writeString(name);
        writeConfig(config, w);
        return w;
    }

    static RecordWriter snapshotNamespace(RecordWriter w, int id, String name, NamespaceConfig config) {
        w.begin(SNAP_NS);
        w.writeInt(id);
        w.writeString(name);
        writeConfig(config, w);
        return w;
    }

    static RecordWriter saveNamespace(int id, NamespaceConfig config) {
        RecordWriter w = RecordWriter.local().begin(NS_SAVE);
        w.writeInt(id);
        writeConfig(config, w);
        return w;
    }

    static RecordWriter dropNamespace(int id) {
        RecordWriter w = RecordWriter.local().begin(NS_DROP);
        w.writeInt(id);
        return w;
    }

    static RecordWriter put(RecordWriter w, StoreCodec codec, int id, String key, MemoryEntry entry) {
        w.begin(PUT);
        w.writeInt(id);
        w.writeString(key);
        try {
            codec.writeEntry(entry, w);
        } catch (IOException e) {
            // the writer never fails; a codec that cannot write an entry is a bug, not a disk's failure
            throw new UncheckedIOException(e);
        }
        return w;
    }

    static RecordWriter remove(int id, String key) {
        RecordWriter w = RecordWriter.local().begin(REMOVE);
        w.writeInt(id);
        w.writeString(key);
        return w;
    }

    static RecordWriter clear(int id) {
        RecordWriter w = RecordWriter.local().begin(CLEAR);
        w.writeInt(id);
        return w;
    }

    static RecordWriter seal(RecordWriter w, long next) {
        w.begin(SEAL);
        w.writeLong(next);
        return w;
    }

    static RecordWriter snapshotEnd(RecordWriter w, int nextId, long namespaces, long entries) {
        w.begin(SNAP_END);
        w.writeInt(nextId);
        w.writeLong(namespaces);
        w.writeLong(entries);
        return w;
    }

    /**
     * Decodes one change record (types NS_ADD to CLEAR, and a snapshot's SNAP_NS as an add) and tells the visitor.
     *
     * @throws IOException when the body does not hold a whole record of its type
     */
    static void replay(int type, RecordReader in, StoreCodec codec, Visitor v) throws IOException {
        switch (type) {
            case NS_ADD, SNAP_NS -> {
                int id = in.readInt();
                String name = in.readString();
                NamespaceConfig config = readConfig(in);
                end(in);
                v.addNamespace(id, name, config);
            }
            case NS_SAVE -> {
                int id = in.readInt();
                NamespaceConfig config = readConfig(in);
                end(in);
                v.saveNamespace(id, config);
            }
            case NS_DROP -> {
                int id = in.readInt();
                end(in);
                v.dropNamespace(id);
            }
            case PUT -> {
                int id = in.readInt();
                String key = in.readString();
                MemoryEntry entry = codec.readEntry(in);
                end(in);
                v.put(id, key, entry);
            }
            case REMOVE -> {
                int id = in.readInt();
                String key = in.readString();
                end(in);
                v.remove(id, key);
            }
            case CLEAR -> {
                int id = in.readInt();
                end(in);
                v.clear(id);
            }
            default -> throw new StreamCorruptedException("unknown record type " + type);
        }
    }

    private static void end(RecordReader in) throws StreamCorruptedException {
        if (!in.atEnd()) {
            throw new StreamCorruptedException("the record holds more bytes than its fields");
        }
    }

    static void writeConfig(NamespaceConfig c, RecordWriter w) {
        w.writeByte(CONFIG_VERSION);
        w.writeString(c.defaultPermission().name());
        w.writeInt(c.permissions().size());
        for (Map.Entry<String, Permission> e : c.permissions().entrySet()) {
            w.writeString(e.getKey());
            w.writeString(e.getValue().name());
        }
        w.writeString(c.conflictStrategy());
        w.writeInt(c.maxEntries());
        w.writeLong(c.ttl().toMillis());
    }

    static NamespaceConfig readConfig(RecordReader in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != CONFIG_VERSION) {
            throw new StreamCorruptedException("unknown namespace configuration version " + version);
        }
        try {
            NamespaceConfig.Builder b = NamespaceConfig.builder().defaultPermission(permission(in.readString()));
            int n = in.readInt();
            if (n < 0) {
                throw new StreamCorruptedException("a negative count of permissions: " + n);
            }
            for (int i = 0; i < n; i++) {
                b.permission(in.readString(), permission(in.readString()));
            }
            return b.conflictStrategy(in.readString()).maxEntries(in.readInt())
                    .ttl(Duration.ofMillis(in.readLong())).build();
        } catch (IllegalArgumentException e) {
            throw new StreamCorruptedException("not a namespace configuration: " + e.getMessage());
        }
    }

    private static Permission permission(String name) throws StreamCorruptedException {
        try {
            return Permission.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new StreamCorruptedException("not a permission: " + name);
        }
    }
}
