package io.sharedmemory.audit.internal;

import static io.sharedmemory.audit.internal.Entries.T0;
import static io.sharedmemory.audit.internal.Entries.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryAccessLog_ConcurrencyTest {
    private static final int THREADS = 8;
    private static final int PER_THREAD = 20_000;

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** Checks that the entries hold each agent's numbers once each, ascending, and returns how many per agent. */
    private static Map<String, Integer> assertPerAgentOrder(List<AccessLogEntry> entries) {
        Map<String, Integer> last = new HashMap<>();
        Map<String, Integer> count = new HashMap<>();
        for (AccessLogEntry e : entries) {
            int n = Integer.parseInt(e.key());
            Integer before = last.put(e.agentId(), n);
            if (before != null && before >= n) {
                throw new AssertionError(e.agentId() + ": " + n + " after " + before + " (lost order or duplicate)");
            }
            count.merge(e.agentId(), 1, Integer::sum);
        }
        return count;
    }

    private List<Future<Void>> appenders(InMemoryAccessLog log, CountDownLatch start) {
        List<Future<Void>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            String agent = "agent-" + t;
            futures.add(pool.submit((Callable<Void>) () -> {
                start.await();
                for (int i = 0; i < PER_THREAD; i++) {
                    log.record(entry(agent, i));
                }
                return null;
            }));
        }
        return futures;
    }

    private static void awaitAll(List<Future<Void>> futures) throws Exception {
        for (Future<Void> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void record_from8Threads_losesNothingDuplicatesNothingKeepsEachThreadsOrder() throws Exception {
        InMemoryAccessLog log = new InMemoryAccessLog(THREADS * PER_THREAD);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> futures = appenders(log, start);
        AtomicBoolean done = new AtomicBoolean();
        Queue<Throwable> queryFailures = new ConcurrentLinkedQueue<>();
        Future<?> reader = pool.submit(() -> {
            while (!done.get()) {
                try {
                    assertPerAgentOrder(log.query(AccessLogQuery.builder().limit(500).build()));
                    assertPerAgentOrder(log.query(AccessLogQuery.builder().agentId("agent-3").build()));
                } catch (Throwable e) {
                    queryFailures.add(e);
                    return;
                }
            }
        });
        start.countDown();
        awaitAll(futures);
        done.set(true);
        reader.get(60, TimeUnit.SECONDS);
        assertTrue(queryFailures.isEmpty(), () -> "a concurrent query saw: " + queryFailures.peek());

        List<AccessLogEntry> all = log.query(AccessLogQuery.all());
        assertEquals(THREADS * PER_THREAD, all.size());
        assertEquals(THREADS * PER_THREAD, log.size());
        Map<String, Integer> counts = assertPerAgentOrder(all);
        for (int t = 0; t < THREADS; t++) {
            assertEquals(PER_THREAD, counts.get("agent-" + t), "agent-" + t);
        }
    }

    /** Entry n: every field derived from n, so an entry made of two is caught. */
    private static AccessLogEntry numbered(int n) {
        return new AccessLogEntry(T0 + n, "agent-" + n % 7, AccessAction.values()[n % AccessAction.values().length],
                "ns-" + n % 5, Integer.toString(n), n % 3 != 0, n % 3 != 0 ? null : "error-" + n);
    }

    /** Every entry is the one its number was recorded with, and the numbers follow one another. */
    private static void assertWholeAndConsecutive(List<AccessLogEntry> seen) {
        int previous = -1;
        for (AccessLogEntry e : seen) {
            int n = Integer.parseInt(e.key());
            assertEquals(numbered(n), e, "a torn entry");
            int before = previous;
            assertTrue(before < 0 || n == before + 1, () -> "a gap or a wrong order after " + before + ": " + seen);
            previous = n;
        }
    }

    @Test
    void query_whileTheOwnerReplacesItsChunks_returnsWholeConsecutiveEntriesOnly() throws Exception {
        // capacity 8: the writer's own ring of three chunks of four entries; each place gets a new chunk every 12
        // entries while the reader reads the old one
        InMemoryAccessLog log = new InMemoryAccessLog(8);
        int total = 2_000_000;
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch reading = new CountDownLatch(1);
        Future<Integer> reader = pool.submit(() -> {
            int nonEmpty = 0;
            reading.countDown();
            while (!done.get()) {
                List<AccessLogEntry> seen = log.query(AccessLogQuery.all());
                assertTrue(seen.size() <= 8, () -> seen.size() + " entries");
                assertWholeAndConsecutive(seen);
                nonEmpty += seen.isEmpty() ? 0 : 1;
            }
            return nonEmpty;
        });
        Future<?> writer = pool.submit(() -> {
            reading.await();
            for (int n = 0; n < total; n++) {
                log.record(numbered(n), n);
            }
            return null;
        });
        writer.get(60, TimeUnit.SECONDS);
        done.set(true);
        assertTrue(reader.get(60, TimeUnit.SECONDS) > 0, "the reader saw entries while they were written");
        assertEquals(List.of(numbered(total - 8), numbered(total - 7), numbered(total - 6), numbered(total - 5),
                numbered(total - 4), numbered(total - 3), numbered(total - 2), numbered(total - 1)),
                log.query(AccessLogQuery.all()));
    }

    @Test
    void query_whileTheOwnersRingGrows_returnsWholeConsecutiveEntries_andLosesNoneBeforeTheCapacity() throws Exception {
        // the ring starts with room for four chunks of 64 and doubles its directory up to 158 chunks as it fills
        int capacity = 10_000;
        InMemoryAccessLog log = new InMemoryAccessLog(capacity);
        int total = 3 * capacity;
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger recorded = new AtomicInteger();
        CountDownLatch reading = new CountDownLatch(1);
        Future<Integer> reader = pool.submit(() -> {
            int queries = 0;
            reading.countDown();
            while (!done.get()) {
                List<AccessLogEntry> seen = log.query(AccessLogQuery.all());
                int recordedAfter = recorded.get();
                assertWholeAndConsecutive(seen);
                if (recordedAfter <= capacity) {
                    // nothing is replaced before the capacity is reached: the run starts at the first entry
                    assertTrue(seen.isEmpty() || "0".equals(seen.get(0).key()), "an entry lost while the ring grew");
                }
                queries++;
            }
            return queries;
        });
        Future<?> writer = pool.submit(() -> {
            reading.await();
            for (int n = 0; n < total; n++) {
                log.record(numbered(n), n);
                recorded.lazySet(n + 1);
            }
            return null;
        });
        writer.get(60, TimeUnit.SECONDS);
        done.set(true);
        assertTrue(reader.get(60, TimeUnit.SECONDS) > 0);
        List<AccessLogEntry> kept = log.query(AccessLogQuery.all());
        assertEquals(capacity, kept.size());
        assertEquals(numbered(total - capacity), kept.get(0));
        assertEquals(numbered(total - 1), kept.get(capacity - 1));
    }

    @Test
    void capacity_changedWhileRecording_losesNothingThatFits() throws Exception {
        int total = THREADS * PER_THREAD;
        InMemoryAccessLog log = new InMemoryAccessLog(total);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> futures = appenders(log, start);
        AtomicBoolean done = new AtomicBoolean();
        Future<Integer> resizer = pool.submit(() -> {
            int resizes = 0;
            while (!done.get()) {
                log.capacity(resizes % 2 == 0 ? total * 2 : total);
                resizes++;
                Thread.sleep(1);
            }
            return resizes;
        });
        start.countDown();
        awaitAll(futures);
        done.set(true);
        assertTrue(resizer.get(60, TimeUnit.SECONDS) > 0);

        List<AccessLogEntry> all = log.query(AccessLogQuery.all());
        assertEquals(total, all.size());
        Map<String, Integer> counts = assertPerAgentOrder(all);
        for (int t = 0; t < THREADS; t++) {
            assertEquals(PER_THREAD, counts.get("agent-" + t), "agent-" + t);
        }
    }

    @Test
    void capacity_shrunkWhileRecording_keepsAnOrderedNewestWindow() throws Exception {
        InMemoryAccessLog log = new InMemoryAccessLog(50_000);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> futures = appenders(log, start);
        AtomicBoolean done = new AtomicBoolean();
        Future<?> resizer = pool.submit(() -> {
            int i = 0;
            while (!done.get()) {
                log.capacity(1_000 + (i++ % 7) * 5_000);
                Thread.sleep(1);
            }
            log.capacity(1_000);
            return null;
        });
        start.countDown();
        awaitAll(futures);
        done.set(true);
        resizer.get(60, TimeUnit.SECONDS);

        List<AccessLogEntry> kept = log.query(AccessLogQuery.all());
        assertEquals(1_000, kept.size());
        assertEquals(1_000, log.size());
        assertPerAgentOrder(kept);
        for (int t = 0; t < THREADS; t++) {
            String agent = "agent-" + t;
            List<AccessLogEntry> mine = log.query(AccessLogQuery.builder().agentId(agent).build());
            if (!mine.isEmpty()) {
                int lastKept = Integer.parseInt(mine.get(mine.size() - 1).key());
                assertEquals(PER_THREAD - 1, lastKept, agent + " lost its newest entry");
            }
        }
    }
}
