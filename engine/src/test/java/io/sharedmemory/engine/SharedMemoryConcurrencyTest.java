package io.sharedmemory.engine;

import io.sharedmemory.engine.conformance.TestStores;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.api.WriteResult.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** N threads × M operations per strategy, with the invariants the API promises checked on the outcome. */
class SharedMemoryConcurrencyTest {
    private static final int THREADS = 8;
    private static final int OPS = 500;
    private SharedMemory memory;
    private ExecutorService pool;

    @BeforeEach
    void start() {
        memory = SharedMemory.create(TestStores.options().build());
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        memory.destroy();
    }

    private void ns(String name, String strategy) {
        memory.createNamespace(name, NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy(strategy).build());
    }

    private List<Future<?>> race(IntTask task) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < OPS; i++) {
                    task.run(thread, i);
                }
                return null;
            }));
        }
        go.countDown();
        return futures;
    }

    private static void join(List<Future<?>> futures) throws Exception {
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
    }

    interface IntTask {
        void run(int thread, int i) throws Exception;
    }

    @Test
    void mergeLosesNoUpdate() throws Exception {
        ns("merge", NamespaceConfig.MERGE);
        join(race((t, i) -> assertTrue(memory.write("merge", "doc", Map.of(t + "-" + i, i), "w" + t).isWritten())));
        Map<String, Object> doc = memory.read("merge", "doc", "r");
        assertEquals(THREADS * OPS, doc.size());
        assertEquals(THREADS * OPS, memory.readEntry("merge", "doc", "r").orElseThrow().version());
    }

    @Test
    void listMergeKeepsEveryContributionOnce() throws Exception {
        ns("merge", NamespaceConfig.MERGE);
        join(race((t, i) -> memory.write("merge", "list", List.of(t * OPS + i), "w" + t)));
        List<Object> list = memory.read("merge", "list", "r");
        assertEquals(THREADS * OPS, list.size());
        assertEquals(THREADS * OPS, new java.util.HashSet<>(list).size());
    }

    @Test
    void exactlyOneCompareAndSetWinnerPerVersion() throws Exception {
        ns("cas", NamespaceConfig.LATEST_WINS);
        Map<Long, AtomicInteger> winners = new ConcurrentHashMap<>();
        AtomicInteger wins = new AtomicInteger();
        join(race((t, i) -> {
            long seen = memory.readEntry("cas", "counter", "w" + t).map(MemoryEntry::version).orElse(0L);
            WriteResult r = memory.write("cas", "counter", t, "w" + t,
                    WriteOptions.builder().expectedVersion(seen).build());
            if (r.isWritten()) {
                wins.incrementAndGet();
                winners.computeIfAbsent(seen, v -> new AtomicInteger()).incrementAndGet();
                assertEquals(seen + 1, r.version());
            } else {
                assertEquals(Status.VERSION_MISMATCH, r.status());
            }
        }));
        long finalVersion = memory.readEntry("cas", "counter", "r").orElseThrow().version();
        assertEquals(wins.get(), finalVersion);
        assertTrue(winners.values().stream().allMatch(c -> c.get() == 1), winners::toString);
    }

    @Test
    void firstWinsHasOneWinnerPerKeyAndTheValueNeverChanges() throws Exception {
        ns("first", NamespaceConfig.FIRST_WINS);
        Map<String, List<Integer>> won = new ConcurrentHashMap<>();
        join(race((t, i) -> {
            String key = "k" + (i % 64);
            if (memory.write("first", key, t, "w" + t).isWritten()) {
                won.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(t);
            }
        }));
        assertEquals(64, won.size());
        for (Map.Entry<String, List<Integer>> e : won.entrySet()) {
            assertEquals(1, e.getValue().size(), e.getKey());
            assertEquals(e.getValue().get(0), memory.read("first", e.getKey(), "r"));
            assertEquals(1, memory.readEntry("first", e.getKey(), "r").orElseThrow().version());
        }
    }

    @Test
    void versionsRiseByOnePerAcceptedWrite() throws Exception {
        ns("latest", NamespaceConfig.LATEST_WINS);
        Map<String, List<Long>> versions = new ConcurrentHashMap<>();
        join(race((t, i) -> {
            String key = "k" + (i % 4);
            WriteResult r = memory.write("latest", key, i, "w" + t);
            versions.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(r.version());
        }));
        for (List<Long> v : versions.values()) {
            List<Long> sorted = new ArrayList<>(v);
            sorted.sort(null);
            for (int i = 0; i < sorted.size(); i++) {
                assertEquals(i + 1, sorted.get(i));
            }
        }
    }

    @Test
    void eachSubscriberSeesEveryWriteInCommitOrder() throws Exception {
        ns("events", NamespaceConfig.LATEST_WINS);
        List<List<ChangeEvent>> received = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            List<ChangeEvent> mine = new ArrayList<>();
            received.add(mine);
            subs.add(memory.subscribe("events", "s" + s, mine::add));
        }
        join(race((t, i) -> memory.write("events", "k" + (i % 8), Map.of("t", t, "i", i), "w" + t)));
        for (int s = 0; s < subs.size(); s++) {
            assertTrue(subs.get(s).awaitDelivery(Duration.ofSeconds(30)));
            List<ChangeEvent> mine = received.get(s);
            assertEquals(THREADS * OPS, mine.size());
            Map<String, Long> last = new HashMap<>();
            for (ChangeEvent e : mine) {
                assertEquals(ChangeAction.WRITE, e.action());
                long previous = last.getOrDefault(e.key(), 0L);
                assertEquals(previous + 1, e.version(), "per-key commit order for " + e.key());
                last.put(e.key(), e.version());
            }
        }
    }

    @Test
    void writersInDifferentNamespacesAndDeletesKeepCountsExact() throws Exception {
        memory.createNamespace("bounded", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .maxEntries(100).build());
        AtomicInteger full = new AtomicInteger();
        join(race((t, i) -> {
            WriteResult r = memory.write("bounded", "t" + t + "-" + i, i, "w");
            if (r.status() == Status.NAMESPACE_FULL) {
                full.incrementAndGet();
            }
        }));
        assertEquals(100, memory.getKeys("bounded", "r").size());
        assertEquals(THREADS * OPS - 100, full.get());
        assertEquals(100, memory.getStats().totalEntries());
    }
}
