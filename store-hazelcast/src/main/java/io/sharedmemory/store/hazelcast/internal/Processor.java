package io.sharedmemory.store.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Every operation the store runs on a key's owner, atomically for that key: one class, told what to do by its kind
 * and the bytes of its payload, written with the store's registered serializer ({@link Wire}). It runs on the owner's
 * partition thread; what it decides, the backup replicas install as decided ({@link RecordBackup}), never decide
 * again — a backup member may lack the strategy the owner used.
 *
 * <p>Hazelcast may run it twice when the owner fails between applying it and answering (its execution guarantees
 * are at least once). Every kind that changes state is idempotent by the operation's name (see {@link EntryRecord}
 * and {@link Rooms}): a re-run is answered with the first run's answer.
 */
final class Processor implements EntryProcessor<String, byte[], byte[]>, HazelcastInstanceAware {
    private static final long serialVersionUID = 1L;

    /** Runs one of the engine's steps (in the engine's binary form) with the owner's engine. */
    static final byte STEP = 1;
    /** Installs a decision the caller made, if the record is still the one it decided on (compare-and-set). */
    static final byte INSTALL = 2;
    /** Removes the entry, on the store's own account (a partition-wide run). */
    static final byte CLEAR = 3;
    /** Reserves or frees rooms of a namespace (see {@link Rooms}). */
    static final byte ROOM = 4;
    /** Adds, reconfigures or drops a namespace's record (see {@link NamespaceRecord}). */
    static final byte NAMESPACE = 5;

    /** How long a tombstone stays, in seconds: longer than any re-run of an operation can come late. */
    static final long TOMBSTONE_SECONDS = EntryRecord.MARK_MILLIS / 1000;

    final byte kind;
    final byte[] payload;
    private transient HazelcastInstance hz;
    private transient EntryProcessor<String, byte[], byte[]> backup;

    Processor(byte kind, byte[] payload) {
        this.kind = kind;
        this.payload = payload;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hz) {
        this.hz = hz;
    }

    HazelcastInstance instance() {
        return hz;
    }

    @Override
    public byte[] process(Map.Entry<String, byte[]> entry) {
        switch (kind) {
            case STEP:
                return OwnerSteps.step(this, entry);
            case INSTALL:
                return OwnerSteps.install(this, entry);
            case CLEAR:
                byte[] cleared = OwnerSteps.clear(this, entry);
                if (cleared != null) {
                    backup = new Processor(CLEAR, payload);
                }
                return cleared;
            case ROOM:
                return Rooms.process(this, entry);
            case NAMESPACE:
                return NamespaceRecord.process(this, entry);
            default:
                throw new IllegalStateException("unknown kind of operation " + kind);
        }
    }

    /** Stores the record (null removes it) and makes the backup replicas store the same. */
    void write(Map.Entry<String, byte[]> entry, byte[] value, long ttlSeconds) {
        if (value == null) {
            entry.setValue(null);
        } else if (entry instanceof ExtendedMapEntry<String, byte[]> e) {
            e.setValue(value, ttlSeconds, TimeUnit.SECONDS);
        } else {
            entry.setValue(value);
        }
        backup = new RecordBackup(value, ttlSeconds);
    }

    @Override
    public EntryProcessor<String, byte[], byte[]> getBackupProcessor() {
        return backup;
    }

    @Override
    public String toString() {
        return "Processor[kind=" + kind + "]";
    }
}
