package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.conformance.TestStores;
import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.spi.AuditSink;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import io.sharedmemory.spi.Resolution;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A plugin that goes away, or fails, in the middle of an operation: the operation ends in a clean refusal (or, for
 * audit, an unchanged outcome and a counted failure), never a lost or half-written entry. The registry here is the one
 * the OSGi component fills; removing a plugin from it is what a bundle stopping does.
 */
class PluginDisappearanceTest {
    private final RankedPluginRegistry registry = new RankedPluginRegistry();
    private final TestPlugins.ListLog log = new TestPlugins.ListLog();
    private final PermissionProvider permissions = TestPlugins.overridesThenDefault();
    private Engine memory;

    @BeforeEach
    void setUp() {
        registry.addPermissionProvider(permissions, 0, 0, "test");
        registry.addAuditSink(log, 0, 1, "test");
        registry.addStrategy(TestPlugins.latestWins(), NamespaceConfig.LATEST_WINS, 0, 2, "test");
        memory = new Engine(TestStores.options().serviceLoader(false).cleanupInterval(Duration.ZERO).build(),
                registry, null);
        memory.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy("vanishing").build());
    }

    @AfterEach
    void tearDown() {
        memory.destroy();
    }

    private AccessLogEntry lastRecord() {
        synchronized (log) {
            return log.entries.get(log.entries.size() - 1);
        }
    }

    @Test
    void aStrategyRemovedDuringItsDecisionStoresNothingAndSaysSo() {
        ConflictStrategy[] self = new ConflictStrategy[1];
        self[0] = new ConflictStrategy() {
            @Override
            public String name() {
                return "vanishing";
            }

            @Override
            public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
                registry.removeStrategy(self[0]); // its bundle stops while it decides
                throw new IllegalStateException("bundle stopped");
            }
        };
        registry.addStrategy(self[0], "vanishing", 0, 3, "test");
        assertTrue(memory.write("ns", "k", "v1", "a").isWritten());
        MemoryEntry before = memory.readEntry("ns", "k", "a").orElseThrow();
        WriteResult r = memory.write("ns", "k", "v2", "a");
        assertEquals(Status.STRATEGY_UNAVAILABLE, r.status(), r::toString);
        assertEquals(1, r.version());
        assertEquals(before, memory.readEntry("ns", "k", "a").orElseThrow(), "the entry changed");
        AccessLogEntry rec = log.entries.get(log.entries.size() - 2); // the write's, before the readEntry's
        assertFalse(rec.success());
        // once gone, every write of the namespace is refused, first writes of new keys included
        assertEquals(Status.STRATEGY_UNAVAILABLE, memory.write("ns", "k", "v3", "a").status());
        assertEquals(Status.STRATEGY_UNAVAILABLE, memory.write("ns", "fresh", "v", "a").status());
        assertNull(memory.read("ns", "fresh", "a"));
        // and it comes back with the plugin
        registry.addStrategy(TestPlugins.strategy("vanishing", (a, b) -> Resolution.accept()), "vanishing", 0, 4,
                "test");
        assertEquals(WriteResult.written(2), memory.write("ns", "k", "v4", "a"));
    }

    @Test
    void aStrategyThatProducesSomethingUnstorableRejectsTheWrite() {
        registry.addStrategy(TestPlugins.strategy("vanishing", (a, b) -> Resolution.replace(new Object())),
                "vanishing", 0, 3, "test");
        memory.write("ns", "k", "v1", "a");
        WriteResult r = memory.write("ns", "k", "v2", "a");
        assertEquals(Status.REJECTED, r.status());
        assertTrue(r.message().contains("cannot store"), r.message());
        assertEquals("v1", memory.read("ns", "k", "a"));
    }

    @Test
    void noPermissionProviderOrAFailingOneDeniesEverything() {
        registry.addStrategy(TestPlugins.latestWins(), "vanishing", 0, 3, "test");
        memory.write("ns", "k", "v1", "a");
        registry.removePermissionProvider(permissions);
        assertEquals(Status.DENIED, memory.write("ns", "k", "v2", "a").status());
        assertNull(memory.read("ns", "k", "a"));
        assertEquals("Insufficient permissions", lastRecord().error());
        assertThrows(AccessDeniedException.class, () -> memory.subscribe("ns", "a", e -> { }));
        registry.addPermissionProvider((ns, agent, config) -> {
            throw new IllegalStateException("provider broken");
        }, 0, 5, "test");
        assertEquals(Status.DENIED, memory.write("ns", "k", "v2", "a").status());
        registry.addPermissionProvider((ns, agent, config) -> null, 10, 6, "test");
        assertEquals(Status.DENIED, memory.write("ns", "k", "v2", "a").status());
        assertFalse(memory.delete("ns", "k", "a"));
        registry.addPermissionProvider(permissions, 20, 7, "test");
        assertEquals("v1", memory.read("ns", "k", "a"), "nothing changed while access was denied");
    }

    @Test
    void aStrategyThatAcceptsEveryWrite_isNotAsked_andOneThatFailsToSay_rejectsTheWrite() {
        int[] asked = new int[1];
        ConflictStrategy always = TestPlugins.strategy("vanishing", (e, i) -> {
            asked[0]++;
            return Resolution.accept();
        }, () -> true);
        registry.addStrategy(always, "vanishing", 0, 3, "test");
        assertTrue(memory.write("ns", "k", "v1", "a").isWritten());
        assertEquals(2, memory.write("ns", "k", "v2", "a").version());
        assertEquals("v2", memory.read("ns", "k", "a"));
        assertEquals(0, asked[0], "resolve is not called");
        registry.removeStrategy(always);
        ConflictStrategy broken = TestPlugins.strategy("vanishing", (e, i) -> Resolution.accept(), () -> {
            throw new IllegalStateException("bundle stopped");
        });
        registry.addStrategy(broken, "vanishing", 0, 4, "test");
        WriteResult refused = memory.write("ns", "k", "v3", "a");
        assertEquals(Status.REJECTED, refused.status());
        assertTrue(refused.message().contains("bundle stopped"), refused.message());
        assertEquals(2, refused.version());
        assertEquals("v2", memory.read("ns", "k", "a"), "nothing stored");
    }

    @Test
    void aFailingAuditSinkIsCountedAndChangesNoOutcome() {
        registry.addStrategy(TestPlugins.latestWins(), "vanishing", 0, 3, "test");
        AuditSink broken = entry -> {
            throw new IllegalStateException("disk full");
        };
        registry.addAuditSink(broken, 10, 8, "test");
        assertTrue(memory.write("ns", "k", "v1", "a").isWritten());
        assertEquals("v1", memory.read("ns", "k", "a"));
        assertEquals(2, memory.getStats().auditFailures());
        assertEquals(2, log.entries.size(), "the other sink still got every record");
        registry.removeAuditSink(broken);
        registry.removeAuditSink(log);
        assertEquals(List.of(), memory.getAccessLog(), "no queryable log: empty, not an error");
        assertTrue(memory.write("ns", "k", "v2", "a").isWritten());
    }

    @Test
    void aSinkThatKeepsFailing_hasEveryLostEntryLogged_butItsStackTraceOnce() {
        try (EngineLogCapture capture = EngineLogCapture.open()) {
            registry.addStrategy(TestPlugins.latestWins(), "vanishing", 0, 3, "test");
            registry.addAuditSink(entry -> {
                throw new IllegalStateException("cannot open audit/access.jsonl");
            }, 10, 8, "test");
            memory.write("ns", "k", "v1", "a");
            memory.read("ns", "k", "a");
            memory.delete("ns", "k", "a");
            List<LogRecord> failures = capture.records().stream()
                    .filter(r -> r.getMessage().contains("failed to record")).toList();
            assertEquals(3, failures.size(), "one line per lost entry");
            assertTrue(failures.get(0).getThrown() instanceof IllegalStateException);
            assertNull(failures.get(1).getThrown());
            assertNull(failures.get(2).getThrown());
            assertTrue(failures.get(2).getMessage().contains(" a DELETE ns/k ")
                    && failures.get(2).getMessage().endsWith("cannot open audit/access.jsonl"),
                    failures.get(2).getMessage());
            assertEquals(3, memory.getStats().auditFailures());
        }
    }

    @Test
    void withARequiredAuditSinkNothingHappensUnrecorded() {
        registry.addStrategy(TestPlugins.latestWins(), "vanishing", 0, 3, "test");
        memory.reconfigure(TestStores.options().requireAuditSink(true).build());
        memory.write("ns", "k", "v1", "a");
        registry.removeAuditSink(log);
        assertEquals(Status.AUDIT_UNAVAILABLE, memory.write("ns", "k", "v2", "a").status());
        assertNull(memory.read("ns", "k", "a"));
        assertFalse(memory.delete("ns", "k", "a"));
        registry.addAuditSink(log, 0, 9, "test");
        assertEquals(Map.of("k", "v1"), memory.getAll("ns", "a"));
    }
}
