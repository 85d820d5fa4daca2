package io.sharedmemory.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.KeyStep;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.StoreCapability;
import io.sharedmemory.store.StoreException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MemoryStore} must do, whatever it is: the contract of {@link MemoryStore} and {@link EntryTable}
 * as tests. A store's test extends it and says how to make a new, empty store ({@link #newStore()}) and, for a
 * {@link StoreCapability#DURABLE} one, how to open a closed store's place again ({@link #reopen}). The engine's
 * in-memory store, the file store and the Hazelcast store each pass it; a third party's store should too.
 */
public abstract class StoreConformance {
    private final List<MemoryStore> opened = new ArrayList<>();

    /** @return a new store over a new, empty place, not yet opened */
    protected abstract MemoryStore newStore();

    /**
     * For a durable store: a new instance over the place of {@code closed}, which has been closed.
     *
     * @return the new instance, not yet opened; null when the store is not durable
     */
    protected MemoryStore reopen(MemoryStore closed) {
        return null;
    }

    /** @return the context the store is opened with */
    protected TestStoreContext context() {
        return new TestStoreContext();
    }

    /** @return a new, empty store, opened (closed after the test) */
    protected final MemoryStore open() {
        MemoryStore s = newStore();
        assertEquals(Map.of(), s.open(context()), "a new store holds no namespace");
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeAll() {
        for (MemoryStore s : opened) {
            s.close();
        }
    }

    protected static MemoryEntry entry(Object value, long version) {
        return MemoryEntry.of(value, "agent", 1_000L, version, Map.of(), MemoryEntry.NO_EXPIRY);
    }

    private static EntryTable table(MemoryStore s, String name) {
        s.addNamespace(name, NamespaceConfig.defaults());
        return s.entries(name);
    }

    // ---------------------------------------------------------------- lifecycle and namespaces

    @Test
    void aStoreOpensOnce_andClosesIdempotently() {
        MemoryStore s = open();
        assertThrows(IllegalStateException.class, () -> s.open(context()));
        assertNotNull(s.name());
        assertNotNull(s.capabilities());
        assertNotNull(s.describe());
        s.close();
        s.close();
    }

    @Test
    void namespacesAreAddedOnce_reconfigured_andDropped() {
        MemoryStore s = open();
        NamespaceConfig a = NamespaceConfig.builder().defaultPermission(Permission.NONE).maxEntries(5).build();
        assertTrue(s.addNamespace("ns", a));
        assertFalse(s.addNamespace("ns", NamespaceConfig.defaults()), "a second add of a name changes nothing");
        EntryTable t = s.entries("ns");
        t.apply("k", cur -> Decision.put(entry("v", 1)), null);
        s.saveNamespace("ns", a.toBuilder().ttl(Duration.ofSeconds(5)).build());
        assertSame(t, s.entries("ns"), "a namespace keeps its table for its whole life");
        assertEquals("v", t.get("k").value(), "a reconfiguration keeps the entries");
        s.dropNamespace("ns");
        assertThrows(IllegalArgumentException.class, () -> s.entries("ns"));
        assertTrue(s.addNamespace("ns", a), "a dropped name can be added again");
        assertNull(s.entries("ns").get("k"), "with none of the dropped namespace's entries");
        assertThrows(IllegalArgumentException.class, () -> s.entries("never"));
    }

    // ---------------------------------------------------------------- steps

    @Test
    void aStepPutsKeepsOrRemoves_andReadsSeeIt() {
        EntryTable t = table(open(), "ns");
        MemoryEntry first = entry(Map.of("a", 1), 1);
        assertEquals(Decision.Action.PUT, t.apply("k", cur -> {
            assertNull(cur);
            return Decision.put(first);
        }, null).action());
        assertEquals(first, t.get("k"));
        assertEquals(Map.of("a", 1), t.liveValue("k", 0));
        MemoryEntry second = entry("two", 2);
        t.apply("k", cur -> {
            assertEquals(first, cur);
            return Decision.put(second);
        }, null);
        assertEquals(second, t.get("k"));
        t.apply("k", cur -> Decision.keep(), null);
        assertEquals(second, t.get("k"));
        assertEquals(1, t.size());
        t.apply("k", cur -> Decision.remove(), null);
        assertNull(t.get("k"));
        assertNull(t.liveValue("k", 0));
        assertEquals(0, t.size());
        t.apply("absent", cur -> Decision.remove(), null);
        assertEquals(0, t.size());
    }

    @Test
    void aStepIsToldTheCurrentVersionAndDeadline_eitherWay() {
        EntryTable t = table(open(), "ns");
        t.apply("k", cur -> Decision.put(MemoryEntry.of("v", "a", 1L, 7, Map.of(), 500L)), null);
        long[] seen = new long[2];
        t.apply("k", new KeyStep() {
            @Override
            public Decision decide(MemoryEntry current) {
                seen[0] = current.version();
                seen[1] = current.expiresAtMillis();
                return Decision.keep();
            }

            @Override
            public Decision decide(MemoryEntry current, long version, long expiresAt) {
                assertEquals(current.version(), version);
                assertEquals(current.expiresAtMillis(), expiresAt);
                return decide(current);
            }
        }, null);
        assertEquals(List.of(7L, 500L), List.of(seen[0], seen[1]));
    }

    @Test
    void aDeadEntryReadsAsExpired_untilItIsRemoved() {
        EntryTable t = table(open(), "ns");
        t.apply("k", cur -> Decision.put(MemoryEntry.of("v", "a", 1L, 1, Map.of(), 100L)), null);
        assertEquals("v", t.liveValue("k", 99));
        assertSame(EntryTable.EXPIRED, t.liveValue("k", 100));
        assertNotNull(t.get("k"), "a dead entry is stored until a step removes it");
    }

    @Test
    void aStepThatThrows_installsNothing() {
        EntryTable t = table(open(), "ns");
        MemoryEntry first = entry("v", 1);
        t.apply("k", cur -> Decision.put(first), null);
        assertThrows(StoreException.class, () -> t.apply("k", cur -> {
            throw new StoreException("refused in the step");
        }, null));
        assertEquals(first, t.get("k"));
        assertThrows(StoreException.class, () -> t.apply("new", cur -> {
            throw new StoreException("refused in the step");
        }, null));
        assertNull(t.get("new"));
        assertEquals(1, t.size());
    }

    @Test
    void theHook_runsOnceTheDecisionIsInstalled_inAStoreThatRunsStepsHere() {
        MemoryStore s = open();
        assumeTrue(s.capabilities().contains(StoreCapability.LOCAL_STEP));
        EntryTable t = table(s, "ns");
        MemoryEntry e = entry("v", 1);
        List<Object> seen = new ArrayList<>();
        Decision d = t.apply("k", cur -> Decision.put(e), (key, decision) -> {
            seen.add(key);
            seen.add(decision.action());
            seen.add(t.get("k"));
        });
        assertEquals(Arrays.asList("k", Decision.Action.PUT, e), seen);
        assertEquals(Decision.Action.PUT, d.action());
    }

    @Test
    void forEachVisitsEveryStoredEntry_andClearRemovesThemAll() {
        EntryTable t = table(open(), "ns");
        for (int i = 0; i < 100; i++) {
            MemoryEntry e = entry(i, 1);
            t.apply("k" + i, cur -> Decision.put(e), null);
        }
        Map<String, Object> seen = new TreeMap<>();
        t.forEach((k, e) -> assertNull(seen.put(k, e.value()), "visited twice: " + k));
        assertEquals(100, seen.size());
        assertEquals(99, seen.get("k99"));
        assertEquals(100, t.size());
        t.clear();
        assertEquals(0, t.size());
        assertNull(t.get("k1"));
        t.forEach((k, e) -> {
            throw new AssertionError("left after clear: " + k);
        });
    }

    @Test
    void everyKindOfValue_isStoredWhole() {
        MemoryStore s = open();
        EntryTable t = table(s, "ns");
        MemoryEntry e = richEntry();
        t.apply("rich", cur -> Decision.put(e), null);
        assertEquals(e, t.get("rich"));
    }

    /** An entry with every kind of value, metadata and a deadline. */
    protected static MemoryEntry richEntry() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("s", "käse 名前 \uD83D\uDE00");
        value.put("i", 7);
        value.put("l", 1L << 40);
        value.put("sh", (short) 3);
        value.put("b", (byte) -4);
        value.put("d", 2.5);
        value.put("f", 1.25f);
        value.put("bi", new BigInteger("123456789012345678901234567890"));
        value.put("bd", new BigDecimal("0.10000000000000000001"));
        value.put("t", true);
        value.put("n", Arrays.asList(1, null, List.of(), Map.of()));
        value.put("m", Map.of("deep", List.of(Map.of("x", false))));
        return MemoryEntry.of(value, "owner-1", 1_234_567L, 42, Map.of("source", "test", "n", 1),
                9_999_999_999L);
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void stepsOfOneKey_areAtomic() throws Exception {
        EntryTable t = table(open(), "ns");
        int threads = 4;
        int each = 2_000;
        runConcurrently(threads, i -> {
            for (int n = 0; n < each; n++) {
                t.apply("counter", cur -> Decision.put(entry(cur == null ? 1 : (Integer) cur.value() + 1,
                        cur == null ? 1 : cur.version() + 1)), null);
            }
        });
        MemoryEntry e = t.get("counter");
        assertEquals(threads * each, e.value());
        assertEquals(threads * each, e.version());
    }

    @Test
    void roomsAreNeverExceeded_byConcurrentWriters() throws Exception {
        EntryTable t = table(open(), "ns");
        int limit = 50;
        AtomicInteger added = new AtomicInteger();
        runConcurrently(4, thread -> {
            for (int n = 0; n < 100; n++) {
                String key = "t" + thread + "-" + n;
                if (!t.reserve(limit)) {
                    continue;
                }
                Decision d = t.apply(key, new KeyStep() {
                    @Override
                    public Decision decide(MemoryEntry current) {
                        return current == null ? Decision.put(entry(1, 1)) : Decision.keep();
                    }

                    @Override
                    public boolean holdsRoom() {
                        return true;
                    }
                }, null);
                if (d.action() == Decision.Action.PUT) {
                    added.incrementAndGet();
                } else {
                    t.release();
                }
            }
        });
        assertEquals(limit, added.get());
        assertEquals(limit, t.size());
        assertFalse(t.reserve(limit));
        String[] some = new String[1];
        t.forEach((k, e) -> some[0] = k);
        t.apply(some[0], cur -> Decision.remove(), null);
        assertTrue(t.reserve(limit), "a removed key gives its room back");
        t.release();
        t.apply("unreserved", cur -> Decision.put(entry(1, 1)), null);
        assertFalse(t.reserve(limit), "a key added without a reservation takes a room too");
    }

    /** Runs the body on n threads at once and fails with the first failure. */
    protected static void runConcurrently(int n, ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int thread = i;
                done.add(pool.submit(() -> {
                    go.await();
                    body.run(thread);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** One thread's work. */
    @FunctionalInterface
    protected interface ThreadBody {
        void run(int thread) throws Exception;
    }

    // ---------------------------------------------------------------- durability

    @Test
    void aDurableStore_bringsBackEveryNamespaceAndEntry_afterClose() {
        MemoryStore s = newStore();
        s.open(context());
        NamespaceConfig config = NamespaceConfig.builder().defaultPermission(Permission.NONE)
                .permission("alice", Permission.ADMIN).permission("bob", Permission.WRITE)
                .conflictStrategy(NamespaceConfig.MERGE).maxEntries(100).ttl(Duration.ofHours(1)).build();
        s.addNamespace("kept", NamespaceConfig.defaults());
        s.saveNamespace("kept", config);
        s.addNamespace("dropped", NamespaceConfig.defaults());
        s.addNamespace("cleared", NamespaceConfig.defaults());
        MemoryEntry rich = richEntry();
        s.entries("kept").apply("rich", cur -> Decision.put(rich), null);
        s.entries("kept").apply("gone", cur -> Decision.put(entry("x", 1)), null);
        s.entries("kept").apply("gone", cur -> Decision.remove(), null);
        s.entries("kept").apply("v", cur -> Decision.put(entry("one", 1)), null);
        s.entries("kept").apply("v", cur -> Decision.put(entry("two", 2)), null);
        s.entries("dropped").apply("k", cur -> Decision.put(entry("x", 1)), null);
        s.dropNamespace("dropped");
        s.entries("cleared").apply("k", cur -> Decision.put(entry("x", 1)), null);
        s.entries("cleared").clear();
        s.close();
        MemoryStore again = reopen(s);
        assumeTrue(again != null, "not a durable store");
        assertTrue(s.capabilities().contains(StoreCapability.DURABLE));
        opened.add(again);
        Map<String, NamespaceConfig> held = again.open(context());
        assertEquals(new TreeMap<>(Map.of("kept", config, "cleared", NamespaceConfig.defaults())),
                new TreeMap<>(held));
        EntryTable kept = again.entries("kept");
        assertEquals(rich, kept.get("rich"));
        assertNull(kept.get("gone"));
        assertEquals(entry("two", 2), kept.get("v"));
        assertEquals(2, kept.size());
        assertEquals(0, again.entries("cleared").size());
        assertFalse(kept.reserve(2), "the rooms of recovered entries are counted");
        assertTrue(kept.reserve(3));
    }
}
