package io.sharedmemory.audit.internal;

import static io.sharedmemory.audit.internal.Entries.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rings of their own for the first threads, shared rings for the others: entries of both kinds are kept, ordered by
 * their stamps, resized, and handed on when a thread ends.
 */
class InMemoryAccessLog_OwnershipTest {
    private static List<String> keys(List<AccessLogEntry> entries) {
        return entries.stream().map(AccessLogEntry::key).collect(Collectors.toList());
    }

    private static List<String> range(int fromInclusive, int toExclusive) {
        return IntStream.range(fromInclusive, toExclusive).mapToObj(Integer::toString).collect(Collectors.toList());
    }

    private static void inThread(Runnable r) throws InterruptedException {
        Thread t = new Thread(r);
        t.start();
        t.join();
    }

    @Test
    void aThreadsOwnRing_growsUpToTheCapacity_losingNothing() {
        InMemoryAccessLog log = new InMemoryAccessLog(100_000);
        for (int i = 0; i < 50_000; i++) {
            log.record(entry("a", i));
        }
        assertEquals(range(0, 50_000), keys(log.query(AccessLogQuery.all())));
        assertEquals(50_000, log.size());
        for (int i = 50_000; i < 150_000; i++) {
            log.record(entry("a", i));
        }
        assertEquals(range(50_000, 150_000), keys(log.query(AccessLogQuery.all())));
        assertEquals(1, log.ownedByLiveThreads());
    }

    @Test
    void entriesOfDifferentThreads_areOrderedByTheirStamps() throws InterruptedException {
        InMemoryAccessLog log = new InMemoryAccessLog(10);
        inThread(() -> log.record(entry("late", 1), 2_000));
        inThread(() -> log.record(entry("early", 2), 1_000));
        inThread(() -> log.record(entry("middle", 3), 1_500));
        assertEquals(List.of("early", "middle", "late"),
                log.query(AccessLogQuery.all()).stream().map(AccessLogEntry::agentId).toList());
    }

    @Test
    void twoThreadsSharingARing_areOrderedByTheirStamps_too() throws InterruptedException {
        InMemoryAccessLog log = new InMemoryAccessLog(10, 1, 0);
        inThread(() -> log.record(entry("late", 1), 2_000));
        inThread(() -> log.record(entry("early", 2), 1_000));
        assertEquals(List.of("early", "late"),
                log.query(AccessLogQuery.all()).stream().map(AccessLogEntry::agentId).toList());
        assertEquals(0, log.ownedByLiveThreads());
    }

    @Test
    void theRingOfAThreadThatEnded_keepsItsEntries_andGoesToTheNextThread() throws InterruptedException {
        InMemoryAccessLog log = new InMemoryAccessLog(100, 1, 1);
        inThread(() -> IntStream.range(0, 10).forEach(i -> log.record(entry("a", i))));
        CountDownLatch recorded = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread next = new Thread(() -> {
            IntStream.range(10, 20).forEach(i -> log.record(entry("a", i)));
            recorded.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        next.start();
        try {
            assertTrue(recorded.await(10, TimeUnit.SECONDS));
            assertEquals(1, log.ownedByLiveThreads(), "the second thread took the ring of the first");
            // a third thread finds the one ring taken by a live thread and records into a shared one
            inThread(() -> log.record(entry("a", 20)));
            assertEquals(range(0, 21), keys(log.query(AccessLogQuery.all())));
        } finally {
            release.countDown();
            next.join();
        }
    }

    @Test
    void capacityShrunkWhileTheOwnerIsIdle_dropsAtOnce_andTheOwnerResizesAtItsNextRecord() throws Exception {
        InMemoryAccessLog log = new InMemoryAccessLog(100);
        ExecutorService owner = Executors.newSingleThreadExecutor();
        try {
            owner.submit(() -> IntStream.range(0, 100).forEach(i -> log.record(entry("a", i)))).get();
            log.capacity(10);
            assertEquals(range(90, 100), keys(log.query(AccessLogQuery.all())));
            assertEquals(10, log.size());
            owner.submit(() -> log.record(entry("a", 100))).get();
            assertEquals(range(91, 101), keys(log.query(AccessLogQuery.all())));
            log.capacity(1_000);
            owner.submit(() -> IntStream.range(101, 200).forEach(i -> log.record(entry("a", i)))).get();
            assertEquals(range(91, 200), keys(log.query(AccessLogQuery.all())));
        } finally {
            owner.shutdownNow();
        }
    }

    /** 8 threads, with no, some and enough rings of their own: nothing lost, each thread's order kept. */
    @ParameterizedTest
    @ValueSource(ints = {0, 3, 16})
    void concurrentRecorders_ownedAndShared_loseNothing(int ownedRings) throws Exception {
        int threads = 8;
        int perThread = 20_000;
        InMemoryAccessLog log = new InMemoryAccessLog(threads * perThread, 2, ownedRings);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String agent = "agent-" + t;
                runs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        log.record(entry(agent, i), System.nanoTime());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : runs) {
                f.get(60, TimeUnit.SECONDS);
            }
            List<AccessLogEntry> all = log.query(AccessLogQuery.all());
            assertEquals(threads * perThread, all.size());
            Map<String, Integer> last = new HashMap<>();
            for (AccessLogEntry e : all) {
                int n = Integer.parseInt(e.key());
                Integer before = last.put(e.agentId(), n);
                assertEquals(before == null ? 0 : before + 1, n, e.agentId() + " lost order or an entry");
            }
            assertEquals(Math.min(ownedRings, threads), log.ownedByLiveThreads());
        } finally {
            pool.shutdownNow();
        }
    }
}
