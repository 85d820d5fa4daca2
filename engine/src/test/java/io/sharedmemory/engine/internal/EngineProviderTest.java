package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.conformance.TestStores;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.spi.AuditSink;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import io.sharedmemory.spi.Resolution;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a plain-Java memory gets its plugins: the explicit ones first, in the order given, then one fresh instance of each
 * class {@link java.util.ServiceLoader} finds (through the engine's own class loader and the thread's context loader);
 * the ones it created are closed when it is destroyed, the explicit ones are the caller's.
 */
class EngineProviderTest {
    private final EngineProvider provider = new EngineProvider();
    private final ClassLoader originalContext = Thread.currentThread().getContextClassLoader();

    @BeforeEach
    void reset() {
        ClosingAuditSink.CREATED.set(0);
        ClosingAuditSink.CLOSED.set(0);
        ClosingAuditSink.failOnClose = false;
    }

    @AfterEach
    void restore() {
        Thread.currentThread().setContextClassLoader(originalContext);
    }

    private static ConflictStrategy rejecting(String name, String reason) {
        return TestPlugins.strategy(name, (a, b) -> Resolution.reject(reason));
    }

    private static final PermissionProvider EVERYONE_WRITES = (ns, agent, config) -> Permission.WRITE;

    @Test
    void explicitPlugins_outrankTheOnesServiceLoaderFinds_firstGivenFirst() {
        SharedMemory memory = provider.create(TestStores.options()
                .plugin(rejecting(NamespaceConfig.LATEST_WINS, "explicit one"))
                .plugin(rejecting(NamespaceConfig.LATEST_WINS, "explicit two"))
                .plugin(EVERYONE_WRITES)
                .build());
        try {
            memory.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.NONE).build());
            assertTrue(memory.write("ns", "k", 1, "a").isWritten(), "the explicit provider, not the default one");
            assertEquals("Conflict resolution rejected write: explicit one", memory.write("ns", "k", 2, "a").message());
            // the real strategies are still there under their own names
            memory.createNamespace("m", NamespaceConfig.builder().conflictStrategy(NamespaceConfig.MERGE).build());
            memory.write("m", "k", List.of(1), "a");
            assertEquals(List.of(1, 2), memory.write("m", "k", List.of(2), "a").isWritten()
                    ? memory.read("m", "k", "a") : null);
        } finally {
            memory.destroy();
        }
    }

    @Test
    void withoutServiceLoader_onlyTheExplicitPluginsAreThere() {
        List<AccessLogEntry> records = new CopyOnWriteArrayList<>();
        SharedMemory memory = provider.create(TestStores.options().serviceLoader(false)
                .plugin(EVERYONE_WRITES).plugin((AuditSink) records::add).build());
        try {
            memory.createNamespace("ns");
            assertEquals(Status.STRATEGY_UNAVAILABLE, memory.write("ns", "k", 1, "a").status());
            memory.createNamespace("m", NamespaceConfig.builder().conflictStrategy(NamespaceConfig.MERGE).build());
            assertEquals(Status.STRATEGY_UNAVAILABLE, memory.write("m", "k", 1, "a").status());
            assertEquals(2, records.size());
            assertTrue(records.stream().allMatch(e -> e.action() == AccessAction.WRITE && !e.success()));
            assertEquals(List.of(), memory.getAccessLog(), "no queryable log was given");
        } finally {
            memory.destroy();
        }
    }

    /** One object that is a strategy, a permission provider and a sink at once. */
    private static final class AllInOne implements ConflictStrategy, PermissionProvider, AuditSink {
        final List<AccessLogEntry> records = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "all-in-one";
        }

        @Override
        public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
            return Resolution.reject("mine");
        }

        @Override
        public Permission permission(String namespace, String agentId, NamespaceConfig config) {
            return Permission.ADMIN;
        }

        @Override
        public void record(AccessLogEntry entry) {
            records.add(entry);
        }
    }

    @Test
    void aPluginOfSeveralKinds_servesAsEach() {
        AllInOne all = new AllInOne();
        SharedMemory memory = provider.create(TestStores.options().serviceLoader(false).plugin(all).build());
        try {
            memory.createNamespace("ns", NamespaceConfig.builder().conflictStrategy("all-in-one").build());
            memory.write("ns", "k", 1, "a");
            assertEquals(Status.REJECTED, memory.write("ns", "k", 2, "a").status());
            assertTrue(memory.clearNamespace("ns", "a"));
            assertEquals(List.of(AccessAction.WRITE, AccessAction.WRITE,
                    AccessAction.CLEAR), all.records.stream().map(AccessLogEntry::action).toList());
        } finally {
            memory.destroy();
        }
    }

    @Test
    void aStrategyWhoseNameThrows_isLeftOut_andTheOthersStay() {
        ConflictStrategy broken = new ConflictStrategy() {
            @Override
            public String name() {
                throw new IllegalStateException("not configured");
            }

            @Override
            public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
                return Resolution.accept();
            }
        };
        SharedMemory memory = provider.create(TestStores.options().serviceLoader(false).plugin(broken)
                .plugin(TestPlugins.latestWins()).plugin(EVERYONE_WRITES).build());
        try {
            memory.createNamespace("ns");
            assertTrue(memory.write("ns", "k", 1, "a").isWritten());
        } finally {
            memory.destroy();
        }
    }

    private static ClassLoader contextWithServices(Path dir, String kind, String... classes) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.write(services.resolve(kind), List.of(classes));
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, EngineProviderTest.class.getClassLoader());
    }

    @Test
    void pluginsItCreated_areClosedOnDestroy_onceEach_theExplicitOnesNot(@TempDir Path dir) throws Exception {
        Thread.currentThread().setContextClassLoader(contextWithServices(dir, AuditSink.class.getName(),
                ClosingAuditSink.class.getName()));
        ClosingAuditSink explicit = new ClosingAuditSink();
        SharedMemory memory = provider.create(TestStores.options().plugin(explicit).build());
        assertEquals(2, ClosingAuditSink.CREATED.get(), "one explicit, one found (and only one: classes are deduped)");
        memory.createNamespace("ns");
        memory.destroy();
        assertEquals(1, ClosingAuditSink.CLOSED.get());
        memory.destroy();
        assertEquals(1, ClosingAuditSink.CLOSED.get());
    }

    @Test
    void aPluginThatFailsToClose_doesNotStopTheOthersOrTheDestroy(@TempDir Path dir) throws Exception {
        ClosingAuditSink.failOnClose = true;
        Thread.currentThread().setContextClassLoader(contextWithServices(dir, AuditSink.class.getName(),
                ClosingAuditSink.class.getName()));
        SharedMemory memory = provider.create(TestStores.options().build());
        memory.destroy();
        assertEquals(1, ClosingAuditSink.CLOSED.get());
    }

    @Test
    void aBrokenServiceEntry_isLeftOut_andTheRestStillLoads(@TempDir Path dir) throws Exception {
        Thread.currentThread().setContextClassLoader(contextWithServices(dir, PermissionProvider.class.getName(),
                "io.sharedmemory.nowhere.NoSuchProvider"));
        SharedMemory memory = provider.create(TestStores.options().build());
        try {
            memory.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            assertTrue(memory.write("ns", "k", 1, "a").isWritten(), "the real permission provider and strategy");
            assertEquals(1, memory.getAccessLog(io.sharedmemory.api.AccessLogQuery.builder()
                    .action(AccessAction.WRITE).build()).size(), "the real access log, once");
        } finally {
            memory.destroy();
        }
    }

    @Test
    void eachMemory_getsItsOwnPluginInstances() {
        SharedMemory a = provider.create(TestStores.options().build());
        SharedMemory b = provider.create(TestStores.options().build());
        try {
            a.createNamespace("ns");
            a.read("ns", "k", "agent");
            assertEquals(1, a.getAccessLog().size());
            assertEquals(0, b.getAccessLog().size());
        } finally {
            a.destroy();
            b.destroy();
        }
    }
}
