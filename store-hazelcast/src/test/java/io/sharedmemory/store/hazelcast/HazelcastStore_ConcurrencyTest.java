package io.sharedmemory.store.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Cross-member concurrency: {@value #THREADS} threads on each of the 3 members at once. Compare-and-set has exactly
 * one winner per (key, expected version); merge keeps every acknowledged contribution exactly once; first-wins has one
 * winner; every member's subscriber receives each key's changes in order, the same sequence on every member.
 */
@Tag("concurrency")
class HazelcastStore_ConcurrencyTest {
    private static final int THREADS = 3;
    private static final int OPS = Integer.getInteger("sharedmemory.cluster.ops", 120);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static TestCluster cluster;
    private ClusterMemories m;

    @BeforeAll
    static void form() {
        cluster = TestCluster.of(3);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void memories() {
        m = new ClusterMemories(cluster);
    }

    @AfterEach
    void end() {
        m.close();
    }

    /** Runs {@code body(member, thread)} on THREADS threads per member, all started at once. */
    private static void onEveryMember(ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3 * THREADS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int member = 0; member < 3; member++) {
                for (int t = 0; t < THREADS; t++) {
                    int mi = member;
                    int ti = t;
                    done.add(pool.submit(() -> {
                        go.await();
                        body.run(mi, ti);
                        return null;
                    }));
                }
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface ThreadBody {
        void run(int member, int thread) throws Exception;
    }

    @Test
    void compareAndSet_hasExactlyOneWinnerPerKeyAndExpectedVersion() throws Exception {
        m.get(0).createNamespace("cas", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        int keys = 4;
        for (int k = 0; k < keys; k++) {
            m.get(0).write("cas", "k" + k, 0, "init");
        }
        // (key, expected version) → winners
        Map<String, AtomicInteger> winners = new ConcurrentHashMap<>();
        AtomicInteger unknown = new AtomicInteger();
        onEveryMember((member, thread) -> {
            SharedMemory mem = m.get(member);
            for (int i = 0; i < OPS; i++) {
                String key = "k" + (i % keys);
                long v = mem.readEntry("cas", key, "a").orElseThrow().version();
                WriteResult r = mem.write("cas", key, member * 1000 + thread, "agent-" + member,
                        WriteOptions.builder().expectedVersion(v).build());
                if (r.isWritten()) {
                    assertEquals(v + 1, r.version());
                    winners.computeIfAbsent(key + "@" + v, x -> new AtomicInteger()).incrementAndGet();
                } else if (r.status() == WriteResult.Status.STORE_UNAVAILABLE) {
                    unknown.incrementAndGet();
                } else {
                    assertEquals(WriteResult.Status.VERSION_MISMATCH, r.status(), r.message());
                }
            }
        });
        assertEquals(0, unknown.get(), "no outcome unknown without a failure");
        for (Map.Entry<String, AtomicInteger> w : winners.entrySet()) {
            assertEquals(1, w.getValue().get(), "winners of " + w.getKey());
        }
        for (int k = 0; k < keys; k++) {
            String key = "k" + k;
            long finalVersion = m.get(1).readEntry("cas", key, "a").orElseThrow().version();
            long won = winners.keySet().stream().filter(s -> s.startsWith(key + "@")).count();
            assertEquals(finalVersion - 1, won, "one winner per version of " + key);
        }
    }

    @Test
    void merge_keepsEveryAcknowledgedContributionExactlyOnce() throws Exception {
        m.get(0).createNamespace("merge", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy(NamespaceConfig.MERGE).build());
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        onEveryMember((member, thread) -> {
            for (int i = 0; i < OPS / 3; i++) {
                String item = "m" + member + "t" + thread + "-" + i;
                WriteResult r = m.get(member).write("merge", "list", List.of(item), "agent-" + member);
                assertTrue(r.isWritten(), () -> r.toString());
                acknowledged.add(item);
            }
        });
        @SuppressWarnings("unchecked")
        List<String> stored = (List<String>) m.get(2).readEntry("merge", "list", "a").orElseThrow().value();
        List<String> sortedStored = new ArrayList<>(stored);
        List<String> sortedAcked = new ArrayList<>(acknowledged);
        Collections.sort(sortedStored);
        Collections.sort(sortedAcked);
        assertEquals(sortedAcked, sortedStored, "each acknowledged contribution exactly once, nothing else");
        assertEquals(acknowledged.size(), m.get(0).readEntry("merge", "list", "a").orElseThrow().version(),
                "one version per acknowledged merge");
    }

    @Test
    void firstWins_hasOneWinnerPerKey() throws Exception {
        m.get(0).createNamespace("first", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy(NamespaceConfig.FIRST_WINS).build());
        Map<String, List<String>> winners = new ConcurrentHashMap<>();
        onEveryMember((member, thread) -> {
            for (int i = 0; i < OPS / 6; i++) {
                String key = "k" + i;
                String me = member + "/" + thread;
                WriteResult r = m.get(member).write("first", key, me, "agent-" + member);
                if (r.isWritten()) {
                    assertEquals(1, r.version());
                    winners.computeIfAbsent(key, x -> Collections.synchronizedList(new ArrayList<>())).add(me);
                } else {
                    assertEquals(WriteResult.Status.REJECTED, r.status(), r.message());
                    assertEquals(1, r.version());
                }
            }
        });
        assertEquals(OPS / 6, winners.size());
        for (Map.Entry<String, List<String>> w : winners.entrySet()) {
            assertEquals(1, w.getValue().size(), "winners of " + w.getKey());
            for (int member = 0; member < 3; member++) {
                assertEquals(w.getValue().get(0), m.get(member).read("first", w.getKey(), "a"));
            }
        }
    }

    @Test
    void everyMembersSubscriber_receivesEachKeysChangesInOrder_andTheSameSequence() throws Exception {
        m.get(0).createNamespace("order", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        List<Map<String, List<Long>>> seen = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        for (int member = 0; member < 3; member++) {
            Map<String, List<Long>> perKey = new ConcurrentHashMap<>();
            seen.add(perKey);
            subs.add(m.get(member).subscribe("order", "watcher-" + member, e -> record(perKey, e)));
        }
        int keys = 5;
        Map<String, AtomicInteger> written = new ConcurrentHashMap<>();
        onEveryMember((member, thread) -> {
            for (int i = 0; i < OPS / 3; i++) {
                String key = "k" + ((i + thread) % keys);
                assertTrue(m.get(member).write("order", key, i, "agent-" + member).isWritten());
                written.computeIfAbsent(key, x -> new AtomicInteger()).incrementAndGet();
            }
        });
        for (Subscription s : subs) {
            // a member's awaitDelivery covers its own writes; the others' arrive with theirs or just after
            assertTrue(s.awaitDelivery(WAIT));
        }
        for (int member = 0; member < 3; member++) {
            Map<String, List<Long>> perKey = seen.get(member);
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> written.entrySet().stream()
                    .allMatch(w -> perKey.getOrDefault(w.getKey(), List.of()).size() == w.getValue().get()));
            for (Map.Entry<String, AtomicInteger> w : written.entrySet()) {
                List<Long> versions = perKey.get(w.getKey());
                List<Long> expected = new ArrayList<>();
                for (long v = 1; v <= w.getValue().get(); v++) {
                    expected.add(v);
                }
                assertEquals(expected, versions, "member " + member + ", key " + w.getKey());
            }
        }
    }

    private static void record(Map<String, List<Long>> perKey, ChangeEvent e) {
        if (e.action() == ChangeAction.WRITE) {
            perKey.computeIfAbsent(e.key(), k -> Collections.synchronizedList(new ArrayList<>())).add(e.version());
        } else {
            perKey.computeIfAbsent("unexpected", k -> Collections.synchronizedList(new ArrayList<>())).add(-1L);
        }
    }

    @SuppressWarnings("unused")
    private static Map<String, Long> counts(List<String> items) {
        Map<String, Long> c = new HashMap<>();
        for (String s : items) {
            c.merge(s, 1L, Long::sum);
        }
        return c;
    }
}
