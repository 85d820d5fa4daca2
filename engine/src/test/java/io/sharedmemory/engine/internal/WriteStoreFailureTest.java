package io.sharedmemory.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;
import io.sharedmemory.engine.internal.store.InMemoryStore;
import io.sharedmemory.store.CommitHook;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.KeyStep;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.StoreCapability;
import io.sharedmemory.store.StoreContext;
import io.sharedmemory.store.StoreException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A write calls its store outside the step too — to look the key up, to take a room of a namespace with a limit, to
 * give back a room it did not use. A store that fails there (a cluster member refusing as the smaller side of a split,
 * an unreachable cluster) fails the write with {@code STORE_UNAVAILABLE} and nothing changes; a room that cannot be given
 * back after the step decided leaves the decided outcome standing.
 */
class WriteStoreFailureTest {
    private final FailingStore store = new FailingStore();
    private Engine engine;

    @BeforeEach
    void start() {
        RankedPluginRegistry registry = new RankedPluginRegistry();
        registry.addStrategy(TestPlugins.latestWins(), NamespaceConfig.LATEST_WINS, 0, 1, "test");
        registry.addPermissionProvider(TestPlugins.overridesThenDefault(), 0, 2, "test");
        registry.addAuditSink(new TestPlugins.ListLog(), 0, 3, "test");
        engine = new Engine(SharedMemoryOptions.builder().cleanupInterval(Duration.ZERO).build(), registry, store,
                () -> { });
        engine.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        engine.createNamespace("limited", NamespaceConfig.builder().defaultPermission(Permission.WRITE).maxEntries(5)
                .build());
    }

    @AfterEach
    void stop() {
        engine.destroy();
    }

    @Test
    void aStoreThatCannotLookTheKeyUp_failsTheWrite_andNothingChanges() {
        assertTrue(engine.write("ns", "k", "before", "writer").isWritten());
        store.failGet = true;
        WriteResult r = engine.write("ns", "k", "during", "writer");
        assertEquals(WriteResult.Status.STORE_UNAVAILABLE, r.status(), r::toString);
        assertTrue(r.message().contains("cluster unreachable") && r.message().contains("nothing was changed"),
                r.message());
        AccessLogEntry last = lastLogEntry();
        assertEquals(AccessAction.WRITE, last.action());
        assertFalse(last.success());
        store.failGet = false;
        MemoryEntry e = engine.readEntry("ns", "k", "reader").orElseThrow();
        assertEquals("before", e.value());
        assertEquals(1, e.version());
    }

    @Test
    void aStoreThatCannotTakeARoom_failsTheWrite_andAddsNoKey() {
        store.failReserve = true;
        WriteResult r = engine.write("limited", "k", 1, "writer");
        assertEquals(WriteResult.Status.STORE_UNAVAILABLE, r.status(), r::toString);
        store.failReserve = false;
        assertEquals(List.of(), engine.getKeys("limited", "reader"));
    }

    @Test
    void aRoomThatCannotBeGivenBack_afterTheStepDecided_leavesTheWriteWritten() {
        assertTrue(engine.write("limited", "k", 1, "writer").isWritten());
        // the write looks the key up, finds it missing (as when another process removed it meanwhile), takes a room,
        // and its step then finds the key: an update, whose unused room the store cannot give back
        store.hideKeys = true;
        store.failRelease = true;
        WriteResult r = engine.write("limited", "k", 2, "writer");
        store.hideKeys = false;
        store.failRelease = false;
        assertEquals(2, r.version(), r::toString);
        assertTrue(r.isWritten(), r::toString);
        assertEquals(2, (Integer) engine.read("limited", "k", "reader"));
    }

    private AccessLogEntry lastLogEntry() {
        List<AccessLogEntry> log = engine.getAccessLog();
        return log.get(log.size() - 1);
    }

    /** The in-memory store, whose tables fail (or hide keys) on the calls a test switches on. */
    private static final class FailingStore implements MemoryStore {
        private final InMemoryStore delegate = new InMemoryStore();
        volatile boolean failGet;
        volatile boolean hideKeys;
        volatile boolean failReserve;
        volatile boolean failRelease;

        @Override
        public String name() {
            return "failing";
        }

        @Override
        public Set<StoreCapability> capabilities() {
            return delegate.capabilities();
        }

        @Override
        public Map<String, NamespaceConfig> open(StoreContext context) {
            return delegate.open(context);
        }

        @Override
        public boolean addNamespace(String name, NamespaceConfig config) {
            return delegate.addNamespace(name, config);
        }

        @Override
        public void saveNamespace(String name, NamespaceConfig config) {
            delegate.saveNamespace(name, config);
        }

        @Override
        public void dropNamespace(String name) {
            delegate.dropNamespace(name);
        }

        @Override
        public EntryTable entries(String name) {
            EntryTable table = delegate.entries(name);
            return new EntryTable() {
                @Override
                public MemoryEntry get(String key) {
                    if (failGet) {
                        throw new StoreException("cluster unreachable");
                    }
                    return hideKeys ? null : table.get(key);
                }

                @Override
                public Decision apply(String key, KeyStep step, CommitHook hook) {
                    return table.apply(key, step, hook);
                }

                @Override
                public void forEach(BiConsumer<String, MemoryEntry> action) {
                    table.forEach(action);
                }

                @Override
                public long size() {
                    return table.size();
                }

                @Override
                public boolean reserve(int maxEntries) {
                    if (failReserve) {
                        throw new StoreException("cluster unreachable");
                    }
                    return table.reserve(maxEntries);
                }

                @Override
                public void release() {
                    if (failRelease) {
                        throw new StoreException("cluster unreachable");
                    }
                    table.release();
                }

                @Override
                public void clear() {
                    table.clear();
                }
            };
        }

        @Override
        public Map<String, String> describe() {
            return delegate.describe();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
