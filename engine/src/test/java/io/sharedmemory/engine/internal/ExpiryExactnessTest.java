package io.sharedmemory.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.Registration;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.engine.internal.History.Recorder;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Expiry is exact with an injected clock: an entry is visible until its deadline and never at or after it, and every
 * expired entry is reported exactly once — one {@code EXPIRE} change event, one {@code EXPIRE} access-log record —
 * whichever of the sweeper, a write over the dead entry or a clear finds it first.
 */
class ExpiryExactnessTest {
    static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    static final Duration TTL = Duration.ofSeconds(30);
    static final String NS = "ttl";

    private final MutableClock clock = new MutableClock(START);
    private final TestPlugins.ListLog log = new TestPlugins.ListLog();
    private SharedMemory memory;

    @BeforeEach
    void setUp() {
        memory = SharedMemory.create(ProofPlugins.options(clock).plugin(log).maxLogSize(100_000)
                .listenerQueueCapacity(1 << 16).build());
        memory.createNamespace(NS, NamespaceConfig.builder().defaultPermission(Permission.WRITE).ttl(TTL).build());
    }

    @AfterEach
    void tearDown() {
        memory.destroy();
    }

    @Test
    void visibleAtDeadlineMinusOneMillisecondGoneAtTheDeadline() {
        memory.write(NS, "k", "v", "a");
        MemoryEntry e = memory.readEntry(NS, "k", "a").orElseThrow();
        assertEquals(START + TTL.toMillis(), e.expiresAtMillis());
        clock.advanceMillis(TTL.toMillis() - 1);
        assertEquals("v", memory.read(NS, "k", "a"));
        assertEquals(Map.of("k", "v"), memory.getAll(NS, "a"));
        assertEquals(1, memory.getStats().totalEntries());
        clock.advanceMillis(1);
        assertNull(memory.read(NS, "k", "a"));
        assertTrue(memory.readEntry(NS, "k", "a").isEmpty());
        assertEquals(Map.of(), memory.getAll(NS, "a"));
        assertEquals(List.of(), memory.getKeys(NS, "a"));
        assertEquals(0, memory.getStats().totalEntries());
        assertFalse(memory.delete(NS, "k", "a"), "an expired entry cannot be deleted");
        AccessLogEntry last = log.query(AccessLogQuery.builder().action(AccessAction.READ).limit(3).build()).get(0);
        assertEquals("Entry expired", last.error());
    }

    @Test
    void aRewriteMovesTheDeadline() {
        memory.write(NS, "k", "v1", "a");
        clock.advanceMillis(TTL.toMillis() - 1);
        assertEquals(2, memory.write(NS, "k", "v2", "a").version());
        clock.advanceMillis(TTL.toMillis() - 1);
        assertEquals("v2", memory.read(NS, "k", "a"));
        clock.advanceMillis(1);
        assertNull(memory.read(NS, "k", "a"));
    }

    @ParameterizedTest(name = "{0} keys")
    @ValueSource(ints = {10_000})
    @Tag("slow")
    void everyExpiredKeyIsReportedExactlyOnce(int keys) throws Exception {
        List<MemoryEvent> cleanups = new CopyOnWriteArrayList<>();
        try (Recorder sub = new Recorder(memory, NS, "watcher");
             Registration reg = memory.on(EventType.MEMORY_CLEANUP, cleanups::add)) {
            for (int i = 0; i < keys; i++) {
                memory.write(NS, "k" + i, i, "a");
            }
            clock.advance(TTL);
            // a third of the keys are found dead by a write over them, a third by clearing is not possible without
            // losing the rest, so: a third by a rewrite, the rest by the sweep; a second sweep finds nothing
            for (int i = 0; i < keys; i += 3) {
                WriteResult r = memory.write(NS, "k" + i, -i, "a");
                assertEquals(1, r.version(), "a write over an expired entry starts again at version 1");
            }
            int swept = memory.cleanupExpired();
            assertEquals(keys - (keys + 2) / 3, swept);
            assertEquals(0, memory.cleanupExpired());
            List<ChangeEvent> events = sub.await();
            Map<String, Long> expireEvents = events.stream().filter(e -> e.action() == ChangeAction.EXPIRE)
                    .collect(Collectors.groupingBy(ChangeEvent::key, Collectors.counting()));
            Map<String, Long> expireRecords = log.query(AccessLogQuery.builder().action(AccessAction.EXPIRE).build())
                    .stream().collect(Collectors.groupingBy(AccessLogEntry::key, Collectors.counting()));
            Map<String, Long> once = new HashMap<>();
            for (int i = 0; i < keys; i++) {
                once.put("k" + i, 1L);
            }
            assertEquals(once, expireEvents, "EXPIRE change events per key");
            assertEquals(once, expireRecords, "EXPIRE access-log records per key");
            for (ChangeEvent e : events) {
                if (e.action() == ChangeAction.EXPIRE) {
                    assertEquals(SharedMemory.SYSTEM_AGENT, e.agentId());
                    assertEquals(0, e.version());
                    assertEquals(Integer.parseInt(e.key().substring(1)), e.value(), "EXPIRE carries the last value");
                }
            }
            assertTrue(reg.awaitDelivery(Duration.ofSeconds(30)));
            Map<Object, Long> cleanupKeys = cleanups.stream().flatMap(c -> ((List<?>) c.value()).stream())
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertEquals(keys, cleanupKeys.size(), "memory:cleanup names every expired key");
            assertTrue(cleanupKeys.values().stream().allMatch(n -> n == 1), "memory:cleanup names a key twice");
            assertEquals((keys + 2) / 3, memory.getStats().totalEntries());
        }
    }

    @Test
    void clearReportsDeadEntriesAsExpiredAndLiveOnesAsDeleted() throws Exception {
        memory.createNamespace(NS, NamespaceConfig.builder().defaultPermission(Permission.ADMIN).ttl(TTL).build());
        try (Recorder sub = new Recorder(memory, NS, "watcher")) {
            memory.write(NS, "old", 1, "a");
            clock.advanceMillis(TTL.toMillis() / 2);
            memory.write(NS, "young", 2, "a");
            clock.advanceMillis(TTL.toMillis() / 2);
            assertTrue(memory.clearNamespace(NS, "a"));
            assertEquals(0, memory.cleanupExpired());
            Map<String, ChangeAction> last = new HashMap<>();
            sub.await().stream().filter(e -> e.action() != ChangeAction.WRITE)
                    .forEach(e -> assertNull(last.put(e.key(), e.action()), "reported twice: " + e));
            assertEquals(Map.of("old", ChangeAction.EXPIRE, "young", ChangeAction.DELETE), last);
            assertEquals(1, log.query(AccessLogQuery.builder().action(AccessAction.EXPIRE).build()).size());
        }
    }

    @Test
    void absurdTtlsAreRefusedClearly() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> NamespaceConfig.builder().ttl(Duration.ofMillis(-1)));
        assertTrue(negative.getMessage().contains("must not be negative"), negative.getMessage());
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> NamespaceConfig.builder().ttl(Duration.ofMillis(Long.MAX_VALUE)));
        assertTrue(huge.getMessage().contains("at most"), huge.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NamespaceConfig.builder().ttl(Duration.ofSeconds(
                Long.MAX_VALUE)), "a Duration too large for toMillis() must be refused, not overflow");
        assertThrows(IllegalArgumentException.class, () -> NamespaceConfig.builder().ttl(Duration.ofNanos(1)));
        assertThrows(NullPointerException.class, () -> NamespaceConfig.builder().ttl(null));
        // the longest accepted TTL, at the latest millisecond a clock can show with it, still gives a future deadline
        clock.set(Long.MAX_VALUE - NamespaceConfig.MAX_TTL.toMillis() - 1);
        memory.createNamespace("long", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .ttl(NamespaceConfig.MAX_TTL).build());
        assertTrue(memory.write("long", "k", 1, "a").isWritten());
        MemoryEntry e = memory.readEntry("long", "k", "a").orElseThrow();
        assertTrue(e.expiresAtMillis() > clock.millis());
        assertEquals(clock.millis() + NamespaceConfig.MAX_TTL.toMillis(), e.expiresAtMillis());
    }
}
