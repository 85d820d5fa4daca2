package io.sharedmemory.store.file;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.StoreCapability;
import io.sharedmemory.store.StoreContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The stores the engine's own test suite runs on in this module ({@code sharedmemory.test.store}): a fresh
 * {@link FileStore} per memory, BATCHED with small segments, in its own directory under
 * {@code sharedmemory.test.store.dir}; the directory goes when the memory is destroyed. Making one touches no file.
 */
public final class EngineSuiteStores implements Supplier<MemoryStore> {
    private static final AtomicLong COUNT = new AtomicLong();
    private static final Path ROOT = Path.of(System.getProperty("sharedmemory.test.store.dir",
            System.getProperty("java.io.tmpdir") + "/engine-suite-stores"));

    @Override
    public MemoryStore get() {
        Path dir = ROOT.resolve("store-" + ProcessHandle.current().pid() + "-" + COUNT.incrementAndGet());
        return new Deleting(FileStore.builder(dir).segmentSize(64 << 10).build(), dir);
    }

    /** The file store, which removes its directory once it is closed. */
    private static final class Deleting implements MemoryStore {
        private final FileStore store;
        private final Path dir;

        Deleting(FileStore store, Path dir) {
            this.store = store;
            this.dir = dir;
        }

        @Override
        public String name() {
            return store.name();
        }

        @Override
        public Set<StoreCapability> capabilities() {
            return store.capabilities();
        }

        @Override
        public Map<String, NamespaceConfig> open(StoreContext context) {
            return store.open(context);
        }

        @Override
        public boolean addNamespace(String name, NamespaceConfig config) {
            return store.addNamespace(name, config);
        }

        @Override
        public void saveNamespace(String name, NamespaceConfig config) {
            store.saveNamespace(name, config);
        }

        @Override
        public void dropNamespace(String name) {
            store.dropNamespace(name);
        }

        @Override
        public EntryTable entries(String name) {
            return store.entries(name);
        }

        @Override
        public Map<String, String> describe() {
            return store.describe();
        }

        @Override
        public void close() {
            store.close();
            TestFiles.deleteTree(dir);
        }
    }
}
