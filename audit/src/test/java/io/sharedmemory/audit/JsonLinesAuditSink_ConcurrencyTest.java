package io.sharedmemory.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.audit.JsonLinesAuditSink.Durability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesAuditSink_ConcurrencyTest {
    private static final int THREADS = 8;

    @TempDir
    Path dir;

    private static void writeConcurrently(JsonLinesAuditSink sink, int perThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                String agent = "agent-" + t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        sink.record(new AccessLogEntry(1_764_000_000_000L + i, agent, AccessAction.WRITE, "ns",
                                Integer.toString(i), true, null));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    private static void assertEveryThreadsEntriesOnceInOrder(List<AccessLogEntry> entries, int perThread) {
        assertEquals(THREADS * perThread, entries.size());
        Map<String, Integer> next = new HashMap<>();
        for (AccessLogEntry e : entries) {
            int expected = next.getOrDefault(e.agentId(), 0);
            assertEquals(Integer.toString(expected), e.key(), e.agentId() + " out of order or duplicated");
            next.put(e.agentId(), expected + 1);
        }
        for (int t = 0; t < THREADS; t++) {
            assertEquals(perThread, next.get("agent-" + t));
        }
    }

    @Test
    void concurrentWriters_noLostOrDuplicatedLines_eachThreadsOrderKept() throws Exception {
        Path file = dir.resolve("concurrent.jsonl");
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
            writeConcurrently(sink, 5_000);
        }
        assertEveryThreadsEntriesOnceInOrder(JsonLinesAuditSink.readAll(file), 5_000);
    }

    @Test
    void concurrentWriters_withFsync_shareForcesAndLoseNothing() throws Exception {
        Path file = dir.resolve("fsync.jsonl");
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file, Durability.POWER_LOSS)) {
            writeConcurrently(sink, 200);
        }
        assertEveryThreadsEntriesOnceInOrder(JsonLinesAuditSink.readAll(file), 200);
    }

    @Test
    void closeWhileWriting_everyAcknowledgedEntryIsInTheFile() throws Exception {
        Path file = dir.resolve("closing.jsonl");
        JsonLinesAuditSink sink = JsonLinesAuditSink.open(file);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<Integer>> acked = new ArrayList<>();
        CountDownLatch running = new CountDownLatch(THREADS * 100);
        try {
            for (int t = 0; t < THREADS; t++) {
                String agent = "agent-" + t;
                acked.add(pool.submit(() -> {
                    int i = 0;
                    try {
                        for (; ; i++) {
                            sink.record(new AccessLogEntry(1L, agent, AccessAction.READ, "ns", Integer.toString(i),
                                    true, null));
                            running.countDown();
                        }
                    } catch (IllegalStateException closed) {
                        return i;
                    }
                }));
            }
            assertTrue(running.await(30, TimeUnit.SECONDS), "the writers got going");
            sink.close();
            Map<String, Integer> ackedPerAgent = new HashMap<>();
            for (int t = 0; t < THREADS; t++) {
                ackedPerAgent.put("agent-" + t, acked.get(t).get(30, TimeUnit.SECONDS));
            }
            Map<String, Integer> inFile = new HashMap<>();
            for (AccessLogEntry e : JsonLinesAuditSink.readAll(file)) {
                int expected = inFile.getOrDefault(e.agentId(), 0);
                assertEquals(Integer.toString(expected), e.key());
                inFile.put(e.agentId(), expected + 1);
            }
            ackedPerAgent.values().removeIf(n -> n == 0);
            assertEquals(ackedPerAgent, inFile, "exactly the acknowledged entries are in the file");
        } finally {
            pool.shutdownNow();
        }
    }
}
