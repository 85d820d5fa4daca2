package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.conformance.TestStores;
import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.spi.AuditSink;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Plugins coming and going while the engine runs: the engine re-reads the registry on every operation. */
class Engine_PluginSwapTest {
    private final RankedPluginRegistry registry = new RankedPluginRegistry();
    private final TestPlugins.ListLog log = new TestPlugins.ListLog();
    private final PermissionProvider defaults = TestPlugins.overridesThenDefault();
    private final ConflictStrategy latest = TestPlugins.latestWins();
    private Engine engine;

    @BeforeEach
    void start() {
        registry.addStrategy(latest, latest.name(), 0, 1, "test");
        registry.addPermissionProvider(defaults, 0, 2, "test");
        registry.addAuditSink(log, 0, 3, "test");
        engine = new Engine(TestStores.options().maxLogSize(77).build(), registry, null);
        engine.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
    }

    @AfterEach
    void stop() {
        engine.destroy();
    }

    @Test
    void missingStrategyRefusesEveryWriteUntilItReturns() {
        assertTrue(engine.write("ns", "k", 1, "a").isWritten());
        registry.removeStrategy(latest);
        var refused = engine.write("ns", "k", 2, "a");
        assertEquals(Status.STRATEGY_UNAVAILABLE, refused.status());
        assertEquals(1, refused.version());
        assertTrue(refused.message().contains("latest-wins"), refused.message());
        assertEquals(Status.STRATEGY_UNAVAILABLE, engine.write("ns", "new-key", 1, "a").status());
        assertEquals(1, (int) engine.read("ns", "k", "a"));
        assertNull(engine.read("ns", "new-key", "a"));
        registry.addStrategy(latest, latest.name(), 0, 4, "test");
        assertEquals(2, engine.write("ns", "k", 2, "a").version());
    }

    @Test
    void strategyThatThrowsRejectsCleanly() {
        ConflictStrategy broken = mock(ConflictStrategy.class);
        when(broken.resolve(any(), any(), any())).thenThrow(new IllegalStateException("bug"));
        registry.addStrategy(broken, "latest-wins", 10, 5, "test");
        engine.write("ns", "k", 1, "a");
        var r = engine.write("ns", "k", 2, "a");
        assertEquals(Status.REJECTED, r.status());
        assertTrue(r.message().contains("bug"), r.message());
        assertEquals(1, (int) engine.read("ns", "k", "a"));
    }

    @Test
    void strategyRemovedDuringTheWriteIsReportedUnavailable() {
        ConflictStrategy vanishing = mock(ConflictStrategy.class);
        when(vanishing.resolve(any(), any(), any())).thenAnswer(inv -> {
            registry.removeStrategy(vanishing);
            throw new NoClassDefFoundError("bundle uninstalled");
        });
        registry.removeStrategy(latest);
        registry.addStrategy(vanishing, "latest-wins", 0, 6, "test");
        engine.write("ns", "k", 1, "a");
        var r = engine.write("ns", "k", 2, "a");
        assertEquals(Status.STRATEGY_UNAVAILABLE, r.status());
        assertEquals(1, (int) engine.read("ns", "k", "a"));
    }

    @Test
    void highestRankedProviderWinsOnTheNextCheckAndNoneDenies() {
        PermissionProvider readOnly = mock(PermissionProvider.class);
        when(readOnly.permission(any(), any(), any())).thenReturn(Permission.READ);
        assertTrue(engine.write("ns", "k", 1, "a").isWritten());
        registry.addPermissionProvider(readOnly, 100, 7, "test");
        assertEquals(Status.DENIED, engine.write("ns", "k", 2, "a").status());
        assertEquals(1, (int) engine.read("ns", "k", "a"));
        registry.removePermissionProvider(readOnly);
        registry.removePermissionProvider(defaults);
        assertEquals(Status.DENIED, engine.write("ns", "k", 3, "a").status());
        assertNull(engine.read("ns", "k", "a"));
        assertFalse(engine.delete("ns", "k", "a"));
    }

    @Test
    void providerThatFailsDenies() {
        PermissionProvider broken = mock(PermissionProvider.class);
        when(broken.permission(any(), any(), any())).thenThrow(new RuntimeException("db down"));
        registry.addPermissionProvider(broken, 100, 8, "test");
        assertEquals(Status.DENIED, engine.write("ns", "k", 1, "a").status());
    }

    @Test
    void sinkAddedMidRunStartsThereAndAFailingSinkIsCounted() {
        engine.write("ns", "k", 1, "a");
        List<AccessLogEntry> late = new CopyOnWriteArrayList<>();
        AuditSink lateSink = late::add;
        registry.addAuditSink(lateSink, 0, 9, "test");
        AtomicInteger failingCalls = new AtomicInteger();
        // a sink that implements only record(entry): the engine reaches it through the SPI's default method
        AuditSink failing = entry -> {
            failingCalls.incrementAndGet();
            throw new RuntimeException("disk full");
        };
        registry.addAuditSink(failing, 0, 10, "test");
        engine.write("ns", "k", 2, "a");
        assertEquals(1, late.size());
        assertEquals("k", late.get(0).key());
        assertEquals(1, engine.getStats().auditFailures());
        assertEquals(2, log.size());
        assertEquals(1, failingCalls.get());
    }

    /** A sink that keeps the stamp the engine passes with each entry. */
    private static final class StampedSink implements AuditSink {
        final List<long[]> stamps = new CopyOnWriteArrayList<>();
        final List<AccessLogEntry> entries = new CopyOnWriteArrayList<>();

        @Override
        public void record(AccessLogEntry entry) {
            throw new AssertionError("the engine calls record(entry, nanoTime)");
        }

        @Override
        public void record(AccessLogEntry entry, long nanoTime) {
            entries.add(entry);
            stamps.add(new long[] {nanoTime});
        }
    }

    @Test
    void sinksReceiveTheOperationsStamp_andItsWallClockTimeFromTheSameRead() throws Exception {
        StampedSink sink = new StampedSink();
        registry.addAuditSink(sink, 0, 11, "test");
        long[] bounds = new long[4];
        bounds[0] = System.nanoTime();
        bounds[2] = System.currentTimeMillis();
        engine.write("ns", "k", 1, "a");
        Thread other = new Thread(() -> engine.read("ns", "k", "b"));
        other.start();
        other.join();
        assertFalse(engine.delete("ns", "missing", "a"));
        bounds[1] = System.nanoTime();
        bounds[3] = System.currentTimeMillis();

        assertEquals(List.of("a", "b", "a"), sink.entries.stream().map(AccessLogEntry::agentId).toList());
        long previous = bounds[0];
        for (int i = 0; i < 3; i++) {
            long stamp = sink.stamps.get(i)[0];
            // each operation returned before the next began (the other thread was joined): stamps increase
            assertTrue(stamp - previous >= 0 && bounds[1] - stamp >= 0, "stamp " + i + " out of order");
            previous = stamp;
            long millis = sink.entries.get(i).timestampMillis();
            assertTrue(millis >= bounds[2] - 1 && millis <= bounds[3] + 1, "timestamp " + millis);
        }
    }

    /** A sink that takes the fields (as the in-memory access log does) and never asks for an entry object. */
    private static final class FieldsSink implements AuditSink {
        final List<AccessLogEntry> entries = new CopyOnWriteArrayList<>();
        final List<Long> stamps = new CopyOnWriteArrayList<>();
        volatile boolean failing;

        @Override
        public void record(AccessLogEntry entry) {
            throw new AssertionError("the engine calls record(fields)");
        }

        @Override
        public void record(AccessLogEntry entry, long nanoTime) {
            throw new AssertionError("the engine calls record(fields)");
        }

        @Override
        public void record(long nanoTime, long timestampMillis, String agentId, AccessAction action,
                           String namespace, String key, boolean success, String error) {
            if (failing) {
                throw new IllegalStateException("disk full");
            }
            entries.add(new AccessLogEntry(timestampMillis, agentId, action, namespace, key, success, error));
            stamps.add(nanoTime);
        }
    }

    @Test
    void aSinkThatTakesTheFields_receivesTheSameEntriesAsOneThatTakesEntries_andItsFailuresAreCounted() {
        FieldsSink fields = new FieldsSink();
        StampedSink stamped = new StampedSink();
        registry.addAuditSink(fields, 0, 13, "test");
        registry.addAuditSink(stamped, 0, 14, "test");
        engine.write("ns", "k", 1, "a");
        engine.read("ns", "k", "a");
        engine.read("ns", "missing", "b");
        assertFalse(engine.delete("nowhere", "k", "a"));

        assertEquals(4, fields.entries.size());
        AccessLogEntry write = fields.entries.get(0);
        assertEquals(new AccessLogEntry(write.timestampMillis(), "a", AccessAction.WRITE, "ns", "k", true, null), write);
        assertEquals(new AccessLogEntry(fields.entries.get(3).timestampMillis(), "a", AccessAction.DELETE, "nowhere",
                "k", false, "Namespace \"nowhere\" does not exist"), fields.entries.get(3));
        assertEquals(stamped.entries, fields.entries);
        assertEquals(stamped.stamps.stream().map(s -> s[0]).toList(), fields.stamps);
        assertEquals(List.of(AccessAction.WRITE, AccessAction.READ, AccessAction.READ, AccessAction.DELETE),
                fields.entries.stream().map(AccessLogEntry::action).toList());
        assertEquals("Key not found", fields.entries.get(2).error());

        fields.failing = true;
        long before = engine.getStats().auditFailures();
        try (EngineLogCapture logged = EngineLogCapture.open()) {
            assertTrue(engine.write("ns", "k", 2, "a").isWritten());
            assertEquals(before + 1, engine.getStats().auditFailures());
            // the failure is logged with the entry the sink was given
            assertEquals(1, logged.records().size());
            String text = logged.records().get(0).getMessage();
            assertTrue(text.contains(FieldsSink.class.getName()) && text.contains(" a WRITE ns/k OK"), text);
        }
        // the other sinks still received the entry
        assertEquals(5, stamped.entries.size());
        assertEquals(2, (int) engine.read("ns", "k", "a"));
    }

    @Test
    void withAClockOfItsOwn_theTimestampComesFromThatClock_andTheStampStillFromNanoTime() {
        MutableClock clock = new MutableClock(1_234_000L);
        Engine own = new Engine(TestStores.options().clock(clock).build(), registry, null);
        try {
            StampedSink sink = new StampedSink();
            registry.addAuditSink(sink, 0, 12, "test");
            long before = System.nanoTime();
            own.read("n", "k", "a");
            long after = System.nanoTime();
            assertEquals(1_234_000L, sink.entries.get(0).timestampMillis());
            long stamp = sink.stamps.get(0)[0];
            assertTrue(stamp - before >= 0 && after - stamp >= 0);
        } finally {
            own.destroy();
        }
    }

    @Test
    void capacityIsPushedToTheAccessLogOnBindAndReconfigure() {
        assertEquals(77, log.capacity);
        TestPlugins.ListLog other = new TestPlugins.ListLog();
        registry.removeAuditSink(log);
        registry.addAuditSink(other, 0, 11, "test");
        assertEquals(77, other.capacity);
        engine.reconfigure(TestStores.options().maxLogSize(5).build());
        assertEquals(5, other.capacity);
    }

    @Test
    void requiredAuditRefusesEverythingWhileNoSinkIsPresent() {
        engine.reconfigure(TestStores.options().requireAuditSink(true).build());
        assertTrue(engine.write("ns", "k", 1, "a").isWritten());
        registry.removeAuditSink(log);
        assertEquals(Status.AUDIT_UNAVAILABLE, engine.write("ns", "k", 2, "a").status());
        assertNull(engine.read("ns", "k", "a"));
        assertFalse(engine.delete("ns", "k", "a"));
        assertThrows(SharedMemoryException.class, () -> engine.broadcast("ns", "x", "a"));
        registry.addAuditSink(log, 0, 12, "test");
        assertEquals(1, (int) engine.read("ns", "k", "a"));
    }
}
