package io.sharedmemory.store.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Expiry, {@code maxEntries} and permissions with agents on every member: an entry is never read after its deadline on
 * any member and each expiry is reported once across the cluster; writers on every member never exceed the limit;
 * a permission change made through one member is enforced by the others once it returned.
 */
class HazelcastStore_LimitsAcrossMembersTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static TestCluster cluster;

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

    /** One clock for the three memories, moved by the test. */
    static final class TestClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public long millis() {
            return millis.get();
        }
    }

    @Test
    void anEntryIsNeverReadAfterItsDeadline_onAnyMember_andEachExpiryIsReportedOnceAcrossTheCluster()
            throws InterruptedException {
        TestClock clock = new TestClock();
        try (ClusterMemories m = new ClusterMemories(cluster, b -> b.clock(clock))) {
            m.get(0).createNamespace("session", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .ttl(Duration.ofMillis(300)).build());
            List<List<ChangeEvent>> seen = new ArrayList<>();
            List<Subscription> subs = new ArrayList<>();
            List<MemoryEvent> cleanups = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 3; i++) {
                List<ChangeEvent> mine = Collections.synchronizedList(new ArrayList<>());
                seen.add(mine);
                subs.add(m.get(i).subscribe("session", "watcher-" + i, mine::add));
                m.get(i).on(EventType.MEMORY_CLEANUP, cleanups::add);
            }
            int keys = 30;
            long written = clock.millis();
            for (int k = 0; k < keys; k++) {
                assertTrue(m.get(k % 3).write("session", "k" + k, k, "agent").isWritten());
            }
            clock.millis.set(written + 299);
            for (int i = 0; i < 3; i++) {
                assertEquals(keys, m.get(i).getKeys("session", "reader").size(), "member " + i + " at deadline - 1");
                assertEquals(7, (Integer) m.get(i).read("session", "k7", "reader"));
            }
            clock.millis.set(written + 300);
            for (int i = 0; i < 3; i++) {
                assertEquals(List.of(), m.get(i).getKeys("session", "reader"), "member " + i + " at the deadline");
                assertNull(m.get(i).read("session", "k7", "reader"));
                assertTrue(m.get(i).readEntry("session", "k7", "reader").isEmpty());
                assertFalse(m.get(i).delete("session", "k8", "agent"));
            }
            // every member sweeps; each expiry is removed (and reported) by exactly one of them
            int removed = 0;
            for (int i = 0; i < 3; i++) {
                removed += m.get(i).cleanupExpired();
            }
            assertEquals(keys, removed);
            for (int i = 0; i < 3; i++) {
                assertEquals(0, m.get(i).cleanupExpired(), "nothing left for member " + i);
            }
            long expireRecords = 0;
            for (int i = 0; i < 3; i++) {
                expireRecords += m.get(i).getAccessLog(AccessLogQuery.builder().action(AccessAction.EXPIRE).build())
                        .size();
            }
            assertEquals(keys, expireRecords, "one EXPIRE record per key across the members' logs");
            for (int i = 0; i < 3; i++) {
                List<ChangeEvent> mine = seen.get(i);
                org.awaitility.Awaitility.await().atMost(WAIT).until(() -> mine.stream()
                        .filter(e -> e.action() == ChangeAction.EXPIRE).count() >= keys);
                assertTrue(subs.get(i).awaitDelivery(WAIT));
                List<String> expired = mine.stream().filter(e -> e.action() == ChangeAction.EXPIRE)
                        .map(ChangeEvent::key).sorted().toList();
                assertEquals(keys, expired.size(), "member " + i + ": one EXPIRE per key, not one per member");
                assertEquals(keys, expired.stream().distinct().count());
            }
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> cleanups.stream()
                    .mapToInt(e -> ((List<?>) e.value()).size()).sum() == keys);
        }
    }

    @Test
    void writersOnEveryMember_neverExceedMaxEntries() throws Exception {
        try (ClusterMemories m = new ClusterMemories(cluster)) {
            int limit = 25;
            m.get(0).createNamespace("bounded", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .maxEntries(limit).build());
            AtomicInteger added = new AtomicInteger();
            AtomicInteger full = new AtomicInteger();
            AtomicInteger deleted = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    List<String> mine = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        var mem = m.get(thread % 3);
                        String key = "t" + thread + "-" + i;
                        WriteResult r = mem.write("bounded", key, i, "agent");
                        if (r.isWritten()) {
                            added.incrementAndGet();
                            mine.add(key);
                        } else {
                            assertEquals(WriteResult.Status.NAMESPACE_FULL, r.status(), r.message());
                            full.incrementAndGet();
                        }
                        if (i % 5 == 4 && !mine.isEmpty() && mem.delete("bounded", mine.remove(0), "agent")) {
                            deleted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            pool.shutdown();
            int live = added.get() - deleted.get();
            assertTrue(live <= limit, live + " live entries");
            assertTrue(full.get() > 0, "the limit was reached");
            for (int i = 0; i < 3; i++) {
                assertEquals(live, m.get(i).getKeys("bounded", "r").size(), "member " + i);
            }
            assertEquals(live, m.stores.get(1).roomsUsed("bounded"), "every room accounted for");
            assertEquals(live, m.get(2).getStats().totalEntries());
        }
    }

    @Test
    void aRevokeThroughOneMember_isEnforcedByTheOthers_forEveryWriteThatStartsAfterItReturned() throws Exception {
        try (ClusterMemories m = new ClusterMemories(cluster)) {
            m.get(0).createNamespace("guarded", NamespaceConfig.builder().defaultPermission(Permission.NONE)
                    .permission("admin", Permission.ADMIN).permission("writer", Permission.WRITE).build());
            AtomicBoolean revoked = new AtomicBoolean();
            AtomicInteger writtenAfter = new AtomicInteger();
            AtomicInteger deniedAfter = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                var mem = m.get(1 + t % 2);
                int thread = t;
                writers.add(pool.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        boolean after = revoked.get();
                        WriteResult r = mem.write("guarded", "k" + thread, i, "writer");
                        if (after) {
                            if (r.isWritten()) {
                                writtenAfter.incrementAndGet();
                            } else {
                                deniedAfter.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            org.awaitility.Awaitility.await().atMost(WAIT).until(() ->
                    m.get(2).getKeys("guarded", "admin").size() == 4);
            assertTrue(m.get(0).updatePermissions("guarded", Map.of("writer", Permission.READ), "admin"));
            revoked.set(true);
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> deniedAfter.get() >= 200);
            stop.set(true);
            for (Future<?> w : writers) {
                w.get(2, TimeUnit.MINUTES);
            }
            pool.shutdown();
            assertEquals(0, writtenAfter.get(), "no write that started after the revoke returned succeeded");
            for (int i = 0; i < 3; i++) {
                assertEquals(Permission.READ, m.get(i).permission("guarded", "writer"));
            }
        }
    }
}
