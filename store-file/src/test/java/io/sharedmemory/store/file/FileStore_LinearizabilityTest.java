package io.sharedmemory.store.file;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.engine.conformance.StoreLinearizabilityBase;
import io.sharedmemory.engine.conformance.TestStoreContext;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.StoreCapability;
import io.sharedmemory.store.StoreContext;
import io.sharedmemory.store.file.internal.NioDisk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Lincheck base over the file store's tables: put, remove, compare-and-set, get and live-value reads, each step
 * logged through the real log, stay linearizable. Lincheck makes a test object per scenario (thousands), so each gets a
 * fresh namespace of one file store opened once, rather than a store (and a directory, and a maintenance thread) of
 * its own; the store forces once an hour and its segments are large, so no background work runs during a scenario.
 */
public class FileStore_LinearizabilityTest extends StoreLinearizabilityBase {
    private static final FileStore SHARED = FileStore.builder(Path.of("target", "lincheck-store-"
            + ProcessHandle.current().pid())).syncInterval(Duration.ofHours(1)).segmentSize(256 << 20)
            // segments mapped whole: the model checker cannot run the system call that maps a segment's next window
            .disk(NioDisk.WHOLE_SEGMENTS).build();
    private static final AtomicLong NAMESPACES = new AtomicLong();

    static {
        SHARED.open(new TestStoreContext());
        Runtime.getRuntime().addShutdownHook(new Thread(SHARED::close));
    }

    @Override
    protected MemoryStore newStore() {
        return new OneNamespace("ns-" + NAMESPACES.incrementAndGet());
    }

    /** A view of the shared store whose namespace "ns" is a fresh one. */
    private static final class OneNamespace implements MemoryStore {
        private final String name;

        OneNamespace(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return SHARED.name();
        }

        @Override
        public Set<StoreCapability> capabilities() {
            return SHARED.capabilities();
        }

        @Override
        public Map<String, NamespaceConfig> open(StoreContext context) {
            return Map.of();
        }

        @Override
        public boolean addNamespace(String ignored, NamespaceConfig config) {
            return SHARED.addNamespace(name, config);
        }

        @Override
        public void saveNamespace(String ignored, NamespaceConfig config) {
            SHARED.saveNamespace(name, config);
        }

        @Override
        public void dropNamespace(String ignored) {
            SHARED.dropNamespace(name);
        }

        @Override
        public EntryTable entries(String ignored) {
            return SHARED.entries(name);
        }

        @Override
        public Map<String, String> describe() {
            return SHARED.describe();
        }

        @Override
        public void close() {
        }
    }
}
