package io.sharedmemory.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.Registration;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.engine.conformance.TestStores;
import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;
import io.sharedmemory.spi.AgentAuthenticator;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.StoreCapability;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The engine cases of the hardening issue (A4–A9), each as it was reported. */
class Engine_HardeningTest {
    private final TestPlugins.ListLog log = new TestPlugins.ListLog();
    private final MutableClock clock = new MutableClock(1_000_000L);
    private final RankedPluginRegistry registry = new RankedPluginRegistry();
    private Engine engine;

    @BeforeEach
    void start() {
        registry.addStrategy(TestPlugins.latestWins(), NamespaceConfig.LATEST_WINS, 0, 1, "test");
        registry.addPermissionProvider(TestPlugins.overridesThenDefault(), 0, 2, "test");
        registry.addAuditSink(log, 0, 3, "test");
        engine = new Engine(TestStores.options().clock(clock).cleanupInterval(Duration.ZERO).maxValueBytes(64)
                .maxLogSize(100_000).build(), registry, null);
        engine.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.ADMIN).build());
    }

    @AfterEach
    void stop() {
        engine.destroy();
    }

    private AccessLogEntry last() {
        synchronized (log) {
            return log.entries.get(log.entries.size() - 1);
        }
    }

    /**
     * A4: a dead entry never counts against maxEntries, also while a sweep runs at the same time. On a store shared by
     * several processes the sweep's removal and the return of its room are two operations (GUARANTEES.md, "Many
     * JVMs"), so there the write and the sweep take turns instead of racing.
     */
    @Test
    void aFullNamespaceWhoseOnlyEntryIsDead_takesAWrite_evenWhileASweepRuns() throws Exception {
        engine.createNamespace("one", NamespaceConfig.builder().defaultPermission(Permission.WRITE).maxEntries(1)
                .ttl(Duration.ofMillis(10)).build());
        MemoryStore store = TestStores.newStore();
        boolean shared = store != null && store.capabilities().contains(StoreCapability.SHARED);
        int rounds = shared ? 200 : 5_000;
        CyclicBarrier go = new CyclicBarrier(shared ? 1 : 2);
        AtomicInteger full = new AtomicInteger();
        Thread sweeper = new Thread(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    go.await();
                    engine.cleanupExpired();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        if (!shared) {
            sweeper.start();
        }
        for (int i = 0; i < rounds; i++) {
            assertEquals(Status.WRITTEN, engine.write("one", "k" + i, i, "w").status());
            clock.advanceMillis(10); // the entry just written is dead from now on
            go.await();
            WriteResult r = engine.write("one", "k" + i + "'", i, "w");
            if (r.status() == Status.NAMESPACE_FULL) {
                full.incrementAndGet();
            }
            assertEquals(Status.WRITTEN, r.status(), "round " + i);
            clock.advanceMillis(10);
            engine.cleanupExpired();
        }
        if (!shared) {
            sweeper.join();
        }
        assertEquals(0, full.get());
    }

    @Nested
    class Values {
        /** A5: a big number is as large as its digits. */
        @Test
        void bigNumbers_countTheirDigits_asValueAndAsMetadata() {
            BigInteger huge = BigInteger.ONE.shiftLeft(10_000_000);
            assertEquals(Status.INVALID, engine.write("ns", "k", huge, "a").status());
            assertTrue(last().error().contains("larger than the limit of 64"), last().error());
            assertEquals(Status.INVALID, engine.write("ns", "k", 1, "a",
                    WriteOptions.builder().metadata(Map.of("n", huge)).build()).status());
            assertEquals(Status.INVALID, engine.write("ns", "k", new BigDecimal("1E+10000000"), "a").status());
            assertEquals(Status.INVALID, engine.write("ns", "k", new BigDecimal("1E-10000000"), "a").status());
            assertEquals(Status.INVALID, engine.write("ns", "k", List.of(BigInteger.TEN.pow(100)), "a").status());
            assertEquals(Status.WRITTEN, engine.write("ns", "k", BigInteger.TEN.pow(30), "a").status());
            assertEquals(Status.WRITTEN, engine.write("ns", "k", new BigDecimal("0.10000000000000000001"), "a")
                    .status());
            assertEquals(0, engine.getStats().totalEntries() - 1);
        }

        /** A6: maps holding equal keys twice are refused, whatever wraps or orders them. */
        @Test
        void mapsWithAnEqualKeyTwice_areRefused() {
            Map<String, Object> identity = new IdentityHashMap<>();
            identity.put(new String("k"), 1);
            identity.put(new String("k"), 2);
            assertEquals(2, identity.size());
            Map<String, Object> wrapped = Collections.unmodifiableMap(identity);
            assertEquals(Status.INVALID, engine.write("ns", "a", wrapped, "a").status());
            assertTrue(last().error().contains("equal keys twice"), last().error());
            assertEquals(Status.INVALID, engine.write("ns", "a", Map.of("inner", wrapped), "a").status());
            TreeMap<String, Object> never = new TreeMap<>((x, y) -> 1);
            never.put("k", 1);
            never.put("k", 2);
            assertEquals(2, never.size());
            assertEquals(Status.INVALID, engine.write("ns", "a", never, "a").status());
            // (the options' builder copies metadata into a map of its own, so the duplicate must be nested to reach us)
            assertEquals(Status.INVALID, engine.write("ns", "a", 1, "a",
                    WriteOptions.builder().metadata(Map.of("m", wrapped)).build()).status());
            TreeMap<String, Object> natural = new TreeMap<>(Map.of("a", 1, "b", 2));
            assertEquals(Status.WRITTEN, engine.write("ns", "a", natural, "a").status());
            assertEquals(Status.WRITTEN, engine.write("ns", "a", Collections.unmodifiableMap(Map.of("a", 1, "b", 2)),
                    "a").status());
        }

        /** A7: a map or list whose size lies is refused, not an OutOfMemoryError. */
        @Test
        void containersWhoseSizeLies_areRefused() {
            Map<String, Object> lying = new AbstractMap<>() {
                @Override
                public int size() {
                    return Integer.MAX_VALUE;
                }

                @Override
                public Set<Entry<String, Object>> entrySet() {
                    return Set.of(Map.entry("k", 1));
                }
            };
            assertEquals(Status.INVALID, engine.write("ns", "a", lying, "a").status());
            assertTrue(last().error().contains("says it holds 2147483647 entries"), last().error());
            List<Object> lyingList = new AbstractList<>() {
                @Override
                public Object get(int index) {
                    return 1;
                }

                @Override
                public int size() {
                    return Integer.MAX_VALUE - 8;
                }
            };
            assertEquals(Status.INVALID, engine.write("ns", "a", lyingList, "a").status());
            assertTrue(last().error().contains("elements"), last().error());
            assertEquals(Status.INVALID, engine.write("ns", "a", Map.of("in", lying), "a").status());
        }

        /** A9: an unpaired surrogate is refused in values and map keys, as in names. */
        @Test
        void unpairedSurrogates_areRefusedInValuesAndKeysOfMaps() {
            assertEquals(Status.INVALID, engine.write("ns", "a", "x\uD800y", "a").status());
            assertTrue(last().error().contains("unpaired surrogate at index 1"), last().error());
            assertEquals(Status.INVALID, engine.write("ns", "a", Map.of("v", "\uDC00"), "a").status());
            assertEquals(Status.INVALID, engine.write("ns", "a", Map.of("\uD800", 1), "a").status());
            assertEquals(Status.INVALID, engine.write("ns", "a", List.of("ok", "\uDBFF"), "a").status());
            assertEquals(Status.WRITTEN, engine.write("ns", "a", "smile \uD83D\uDE00", "a").status());
        }
    }

    /** A7: a query that cannot hold its time is refused where it is built. */
    @Test
    void aQuerySinceAnInstantBeyondEpochMillis_isRefusedAtTheBuilder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AccessLogQuery.builder().since(Instant.MIN));
        assertTrue(e.getMessage().contains("since"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AccessLogQuery.builder().since(Instant.MAX));
        assertTrue(engine.getAccessLog(AccessLogQuery.builder().since(Instant.EPOCH).build()).size() >= 0);
    }

    /** A8: a write denied before it started is a conflict like any other denial. */
    @Test
    void writesDeniedToABareIdOrAClosedSession_fireMemoryConflict() throws Exception {
        List<MemoryEvent> conflicts = new CopyOnWriteArrayList<>();
        Registration r = engine.on(EventType.MEMORY_CONFLICT, conflicts::add);
        registry.addAuthenticator(c -> Optional.of(new AgentAuthenticator.Identity("alice",
                Instant.ofEpochMilli(clock.millis()).plusSeconds(60), "t")), 0, 4, "test");
        engine.reconfigure(TestStores.options().clock(clock).cleanupInterval(Duration.ZERO).maxValueBytes(64)
                .identity(IdentityMode.AUTHENTICATED).build());
        assertEquals(Status.DENIED, engine.write("ns", "k", 1, "bob").status());
        AgentSession s = engine.session(Credentials.secret("alice", "x".toCharArray()));
        s.close();
        assertEquals(Status.DENIED, s.write("ns", "k", 1).status());
        assertTrue(r.awaitDelivery(Duration.ofSeconds(5)));
        assertEquals(List.of("bob", "alice"), conflicts.stream().map(MemoryEvent::agentId).toList());
        assertTrue(conflicts.stream().allMatch(e -> "permission_denied".equals(e.reason())));
        r.remove();
    }

    /** A8: a listener's overflow notice is stamped by the memory's clock. */
    @Test
    void aListenersOverflowNotice_isStampedByTheMemorysClock() throws Exception {
        clock.set(123_456_789L);
        engine.reconfigure(TestStores.options().clock(clock).cleanupInterval(Duration.ZERO).maxValueBytes(64)
                .listenerQueueCapacity(16).build());
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        List<MemoryEvent> seen = new CopyOnWriteArrayList<>();
        Registration r = engine.on(EventType.MEMORY_WRITE, e -> {
            seen.add(e);
            try {
                hold.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 200; i++) {
            engine.write("ns", "k", i, "a");
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !r.isActive());
        hold.countDown();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> seen.stream().anyMatch(e -> MemoryEvent.LISTENER_OVERFLOW.equals(e.reason())));
        MemoryEvent notice = seen.stream().filter(e -> MemoryEvent.LISTENER_OVERFLOW.equals(e.reason()))
                .findFirst().orElseThrow();
        assertEquals(Instant.ofEpochMilli(123_456_789L), notice.timestamp());
    }

    /** A9: deleting a namespace reports its dead entries as expired, as clearing it does. */
    @Test
    void deletingANamespace_reportsItsDeadEntriesAsExpired() throws Exception {
        engine.createNamespace("short", NamespaceConfig.builder().defaultPermission(Permission.ADMIN)
                .ttl(Duration.ofSeconds(1)).build());
        engine.write("short", "dead", 1, "a");
        clock.advance(Duration.ofSeconds(2));
        engine.write("short", "alive", 2, "a");
        List<MemoryEvent> cleanups = new CopyOnWriteArrayList<>();
        Registration r = engine.on(EventType.MEMORY_CLEANUP, cleanups::add);
        assertTrue(engine.deleteNamespace("short", "a"));
        assertTrue(r.awaitDelivery(Duration.ofSeconds(5)));
        assertEquals(List.of(List.of("dead")), cleanups.stream().map(MemoryEvent::value).toList());
        assertEquals(1, log.entries.stream().filter(e -> e.action() == AccessAction.EXPIRE
                && "dead".equals(e.key())).count());
        r.remove();
    }

    /**
     * A9, decided: a compare-and-set writes only what the strategy accepts. Of racing writers with one expected
     * version at most one wins, and exactly one when the strategy accepts the write — first-wins accepts no update of
     * a key that holds a live entry, so there a compare-and-set wins only at version 0.
     */
    @Test
    void firstWins_keepsItsWord_underCompareAndSet() {
        registry.addStrategy(TestPlugins.firstWins(), NamespaceConfig.FIRST_WINS, 0, 9, "test");
        engine.createNamespace("fw", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy(NamespaceConfig.FIRST_WINS).build());
        WriteOptions atZero = WriteOptions.builder().expectedVersion(0).build();
        WriteOptions atOne = WriteOptions.builder().expectedVersion(1).build();
        assertEquals(Status.WRITTEN, engine.write("fw", "k", "first", "a", atZero).status());
        assertEquals(Status.VERSION_MISMATCH, engine.write("fw", "k", "late", "b", atZero).status());
        assertEquals(Status.REJECTED, engine.write("fw", "k", "update", "b", atOne).status());
        assertEquals("first", engine.read("fw", "k", "c"));
    }

    /** A9, decided: in authenticated mode a bare id is refused for being bare, whatever it looks like. */
    @Test
    void anInvalidBareId_inAuthenticatedMode_isRefusedAsBare() {
        engine.reconfigure(TestStores.options().clock(clock).cleanupInterval(Duration.ZERO)
                .identity(IdentityMode.AUTHENTICATED).build());
        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> engine.subscribe("ns", "",
                ev -> { }));
        assertEquals(Operation.SESSION_REQUIRED_TEXT, e.getMessage());
        assertFalse(engine.delete("ns", "k", "\u0000"));
        assertEquals(Operation.SESSION_REQUIRED_TEXT, last().error());
    }

    /** A9, documented: OVERFLOW's value is the backlog when the subscriber was cut off. */
    @Test
    void overflowCarriesTheBacklogAtTheCutOff() throws Exception {
        engine.reconfigure(TestStores.options().clock(clock).cleanupInterval(Duration.ZERO)
                .listenerQueueCapacity(16).build());
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
        Subscription sub = engine.subscribe("ns", "slow", e -> {
            seen.add(e);
            try {
                hold.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 500; i++) {
            engine.write("ns", "k", i, "a");
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !sub.isActive());
        hold.countDown();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> seen.stream().anyMatch(e -> e.action() == ChangeAction.OVERFLOW));
        ChangeEvent overflow = seen.get(seen.size() - 1);
        assertEquals(ChangeAction.OVERFLOW, overflow.action());
        long backlog = ((Number) overflow.value()).longValue();
        assertTrue(backlog >= 16 && backlog <= 500, "backlog " + backlog);
    }
}
