package io.sharedmemory.store.hazelcast.internal;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a backup replica runs after the owner ran a {@link Processor}: store the record the owner decided (or remove
 * it), with the same time to live. It decides nothing, so a backup member without the owner's strategies installs
 * exactly what the owner did.
 */
final class RecordBackup implements EntryProcessor<String, byte[], byte[]> {
    private static final long serialVersionUID = 1L;

    final byte[] value;
    final long ttlSeconds;

    RecordBackup(byte[] value, long ttlSeconds) {
        this.value = value;
        this.ttlSeconds = ttlSeconds;
    }

    @Override
    public byte[] process(Map.Entry<String, byte[]> entry) {
        if (value == null) {
            entry.setValue(null);
        } else if (entry instanceof ExtendedMapEntry<String, byte[]> e) {
            e.setValue(value, ttlSeconds, TimeUnit.SECONDS);
        } else {
            entry.setValue(value);
        }
        return null;
    }

    @Override
    public EntryProcessor<String, byte[], byte[]> getBackupProcessor() {
        return null;
    }
}
