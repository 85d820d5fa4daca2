package io.sharedmemory.store.file;

import io.sharedmemory.engine.conformance.StoreConformance;
import io.sharedmemory.store.MemoryStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store conformance suite over the file store, with its durable part: close, reopen, everything is back. */
class FileStore_ConformanceTest extends StoreConformance {
    @TempDir
    Path dir;
    private int made;

    @Override
    protected MemoryStore newStore() {
        return FileStore.builder(dir.resolve("store-" + ++made)).segmentSize(64 << 10).build();
    }

    @Override
    protected MemoryStore reopen(MemoryStore closed) {
        return FileStore.builder(((FileStore) closed).directory()).segmentSize(64 << 10).build();
    }
}
