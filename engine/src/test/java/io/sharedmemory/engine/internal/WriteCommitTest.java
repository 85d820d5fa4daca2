package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.conformance.TestStores;
import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.Resolution;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-key step of a write, seen from outside: what a strategy is asked (and only when an entry is live), what each
 * of its answers stores, which entry a subscriber and a listener then see, and the deadlines a TTL gives.
 */
class WriteCommitTest {
    private static final long T0 = 2_000_000L;
    private final MutableClock clock = new MutableClock(T0);
    private final RankedPluginRegistry registry = new RankedPluginRegistry();
    private final List<ConflictContext> asked = new CopyOnWriteArrayList<>();
    private volatile Function<MemoryEntry[], Resolution> decide;
    private Engine engine;

    private final ConflictStrategy scripted = new ConflictStrategy() {
        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
            asked.add(context);
            return decide.apply(new MemoryEntry[] {existing, incoming});
        }
    };

    @BeforeEach
    void start() {
        registry.addStrategy(scripted, "scripted", 0, 1, "test");
        registry.addPermissionProvider(TestPlugins.overridesThenDefault(), 0, 2, "test");
        registry.addAuditSink(new TestPlugins.ListLog(), 0, 3, "test");
        engine = new Engine(TestStores.options().clock(clock).cleanupInterval(Duration.ZERO)
                .maxValueBytes(100).build(), registry, null);
        engine.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy("scripted").build());
    }

    @AfterEach
    void stop() {
        engine.destroy();
    }

    @Test
    void theStrategy_isAskedOnlyAboutALiveEntry_withTheWholeContext() {
        decide = e -> Resolution.accept();
        engine.write("ns", "k", 1, "a");
        assertEquals(List.of(), asked, "nothing to resolve on the first write");
        WriteOptions options = WriteOptions.builder().expectedVersion(1).metadata(Map.of("m", 1)).build();
        MemoryEntry[] seen = new MemoryEntry[2];
        decide = e -> {
            seen[0] = e[0];
            seen[1] = e[1];
            return Resolution.accept();
        };
        clock.advanceMillis(4);
        assertEquals(WriteResult.written(2), engine.write("ns", "k", 2, "b", options));
        ConflictContext c = asked.get(0);
        assertEquals("ns", c.namespace());
        assertEquals("k", c.key());
        assertEquals("b", c.agentId());
        assertEquals(options, c.options());
        assertEquals(engine.getNamespaceConfig("ns").orElseThrow(), c.config());
        assertEquals(1, seen[0].value());
        assertEquals("a", seen[0].ownerId());
        assertEquals(1, seen[0].version());
        assertEquals(2, seen[1].value());
        assertEquals("b", seen[1].ownerId());
        assertEquals(2, seen[1].version());
        assertEquals(T0 + 4, seen[1].timestampMillis());
        assertEquals(Map.of("m", 1), seen[1].metadata());
    }

    @Test
    void aReplacement_isStoredAsTheWritersNextVersion_withTheWritesOrItsOwnMetadata() {
        decide = e -> Resolution.accept();
        engine.write("ns", "k", 1, "a");
        decide = e -> Resolution.replace(List.of(e[0].value(), e[1].value()));
        engine.write("ns", "k", 2, "b", WriteOptions.builder().metadata(Map.of("from", "write")).build());
        MemoryEntry stored = engine.readEntry("ns", "k", "c").orElseThrow();
        assertEquals(List.of(1, 2), stored.value());
        assertEquals("b", stored.ownerId());
        assertEquals(2, stored.version());
        assertEquals(Map.of("from", "write"), stored.metadata());
        decide = e -> Resolution.replace("merged", Map.of("from", "strategy"));
        assertEquals(WriteResult.written(3), engine.write("ns", "k", 3, "c",
                WriteOptions.builder().metadata(Map.of("from", "write")).build()));
        stored = engine.readEntry("ns", "k", "c").orElseThrow();
        assertEquals("merged", stored.value());
        assertEquals(Map.of("from", "strategy"), stored.metadata());
    }

    @Test
    void aReplacement_thatCannotBeStored_rejectsTheWrite() {
        decide = e -> Resolution.accept();
        engine.write("ns", "k", "v", "a");
        decide = e -> Resolution.replace("x".repeat(200));
        WriteResult r = engine.write("ns", "k", "w", "a");
        assertEquals(Status.REJECTED, r.status());
        assertEquals(1, r.version());
        assertEquals("Conflict resolution rejected write: strategy \"scripted\" produced a value the memory cannot "
                + "store: Invalid value: larger than the limit of 100 bytes (estimated JSON size)", r.message());
        decide = e -> Resolution.replace("ok", Map.of("bad", new Object()));
        WriteResult m = engine.write("ns", "k", "w", "a");
        assertEquals(Status.REJECTED, m.status());
        assertTrue(m.message().contains("Invalid value at metadata.bad"), m.message());
        assertEquals("v", engine.read("ns", "k", "a"));
    }

    @Test
    void aStrategyThatFailsOrAnswersNothing_rejects_withTheReason() {
        decide = e -> Resolution.accept();
        engine.write("ns", "k", "v", "a");
        decide = e -> null;
        assertEquals(WriteResult.refused(Status.REJECTED, 1,
                "Conflict resolution rejected write: strategy \"scripted\" returned no decision"),
                engine.write("ns", "k", "w", "a"));
        decide = e -> {
            throw new IllegalStateException("bug");
        };
        assertEquals(WriteResult.refused(Status.REJECTED, 1,
                "Conflict resolution rejected write: strategy \"scripted\" failed: java.lang.IllegalStateException: bug"),
                engine.write("ns", "k", "w", "a"));
        decide = e -> {
            throw new NoClassDefFoundError("gone");
        };
        assertEquals("Conflict resolution rejected write: strategy \"scripted\" failed: "
                + "java.lang.NoClassDefFoundError: gone", engine.write("ns", "k", "w", "a").message());
        decide = e -> Resolution.reject(null);
        assertEquals(WriteResult.refused(Status.REJECTED, 1, "Conflict resolution rejected write"),
                engine.write("ns", "k", "w", "a"));
        decide = e -> {
            throw new OutOfMemoryError("simulated");
        };
        assertThrows(OutOfMemoryError.class, () -> engine.write("ns", "k", "w", "a"));
        decide = e -> Resolution.accept();
        assertEquals("v", engine.read("ns", "k", "a"));
        assertEquals(2, engine.write("ns", "k", "w", "a").version());
    }

    @Test
    void subscribersAndListeners_seeTheStoredEntry_notTheIncomingOne() {
        List<ChangeEvent> changes = new CopyOnWriteArrayList<>();
        List<MemoryEvent> writes = new CopyOnWriteArrayList<>();
        engine.subscribe("ns", "watcher", changes::add);
        engine.on(EventType.MEMORY_WRITE, writes::add);
        decide = e -> Resolution.accept();
        engine.write("ns", "k", 1, "a");
        clock.advanceMillis(2);
        decide = e -> Resolution.replace("replaced");
        engine.write("ns", "k", 2, "b");
        await().atMost(Duration.ofSeconds(10)).until(() -> changes.size() >= 2 && writes.size() >= 2);
        assertEquals(new ChangeEvent("ns", "k", 1, "a", ChangeAction.WRITE, 1, java.time.Instant.ofEpochMilli(T0)),
                changes.get(0));
        assertEquals(new ChangeEvent("ns", "k", "replaced", "b", ChangeAction.WRITE, 2,
                java.time.Instant.ofEpochMilli(T0 + 2)), changes.get(1));
        assertEquals(new MemoryEvent(EventType.MEMORY_WRITE, "ns", "k", "b", "replaced", null,
                java.time.Instant.ofEpochMilli(T0 + 2)), writes.get(1));
    }

    @Test
    void aWriteOverAnExpiredEntry_isAnExpiryThenAWrite_forSubscribers() {
        engine.createNamespace("t", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy("scripted").ttl(Duration.ofMillis(10)).build());
        List<ChangeEvent> changes = new CopyOnWriteArrayList<>();
        engine.subscribe("t", "watcher", changes::add);
        decide = e -> Resolution.reject("never asked about an expired entry");
        engine.write("t", "k", "old", "a");
        clock.advanceMillis(10);
        assertEquals(WriteResult.written(1), engine.write("t", "k", "new", "b"));
        await().atMost(Duration.ofSeconds(10)).until(() -> changes.size() >= 3);
        ChangeEvent expiry = changes.get(1);
        assertEquals(ChangeAction.EXPIRE, expiry.action());
        assertEquals("old", expiry.value());
        assertEquals(SharedMemory.SYSTEM_AGENT, expiry.agentId());
        assertEquals(ChangeAction.WRITE, changes.get(2).action());
        assertEquals("new", changes.get(2).value());
        assertEquals(List.of(), asked);
    }

    @Test
    void theTtl_setsEachWritesDeadline_andTheSweepFindsTheEarliest() {
        engine.createNamespace("t", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy("scripted").ttl(Duration.ofMillis(100)).maxEntries(2).build());
        decide = e -> Resolution.accept();
        engine.write("t", "a", 1, "w");
        clock.advanceMillis(30);
        engine.write("t", "b", 1, "w");
        assertEquals(T0 + 100, engine.readEntry("t", "a", "w").orElseThrow().expiresAtMillis());
        assertEquals(T0 + 130, engine.readEntry("t", "b", "w").orElseThrow().expiresAtMillis());
        clock.advanceMillis(40);
        engine.write("t", "a", 2, "w");
        assertEquals(T0 + 170, engine.readEntry("t", "a", "w").orElseThrow().expiresAtMillis(),
                "an update starts the TTL again");
        // full: a third key waits until the earliest deadline (b's, at T0 + 130) has passed
        clock.set(T0 + 129);
        assertEquals(Status.NAMESPACE_FULL, engine.write("t", "c", 1, "w").status());
        clock.set(T0 + 130);
        assertEquals(WriteResult.written(1), engine.write("t", "c", 1, "w"));
        assertNull(engine.read("t", "b", "w"));
        assertEquals(2, (int) engine.read("t", "a", "w"));
        // full again: now a's deadline (T0 + 170) is the earliest
        clock.set(T0 + 169);
        assertEquals(Status.NAMESPACE_FULL, engine.write("t", "d", 1, "w").status());
        clock.set(T0 + 170);
        assertEquals(WriteResult.written(1), engine.write("t", "d", 1, "w"));
        assertEquals(List.of("c", "d"), engine.getKeys("t", "w"));
    }

    @Test
    void withoutATtl_nothingExpires() {
        decide = e -> Resolution.accept();
        engine.write("ns", "k", 1, "a");
        assertEquals(MemoryEntry.NO_EXPIRY, engine.readEntry("ns", "k", "a").orElseThrow().expiresAtMillis());
        clock.advance(Duration.ofDays(365 * 100));
        assertEquals(1, (int) engine.read("ns", "k", "a"));
        assertEquals(0, engine.cleanupExpired());
    }
}
