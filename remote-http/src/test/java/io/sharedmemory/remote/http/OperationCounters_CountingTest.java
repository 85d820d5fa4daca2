package io.sharedmemory.remote.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operation counters as an audit sink of the real engine: what counts as a read, a write and a refusal, per
 * namespace, per interval, and what is forgotten. The sampler is driven by hand ({@code sample}), so each interval
 * holds exactly the operations made before it ended.
 */
class OperationCounters_CountingTest {
    private static final int INTERVALS = 5;

    private OperationCounters counters;
    private SharedMemory memory;

    @BeforeEach
    void create() {
        counters = new OperationCounters(Duration.ofSeconds(1), INTERVALS);
        memory = SharedMemory.create(SharedMemoryOptions.builder().plugin(counters).build());
        memory.createNamespace("a", NamespaceConfig.builder().defaultPermission(Permission.READ)
                .permissions(java.util.Map.of("writer", Permission.WRITE)).build());
        memory.createNamespace("b", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .permissions(java.util.Map.of("boss", Permission.ADMIN)).build());
        counters.sample(memory.getNamespaces(), 1_000);
    }

    @AfterEach
    void close() {
        counters.close();
        memory.close();
    }

    private OperationCounters.Window all() {
        return counters.window(ns -> true);
    }

    private static long newest(List<Long> perInterval) {
        return perInterval.get(perInterval.size() - 1);
    }

    @Test
    void readsWritesAndRefusals_areCountedAsDocumented() {
        assertEquals(WriteResult.Status.WRITTEN, memory.write("a", "k", 1, "writer").status());
        memory.write("a", "k", 2, "writer");
        assertNotNull(memory.read("a", "k", "reader")); // a hit
        assertNull(memory.read("a", "missing", "reader")); // a miss is an answered read
        assertEquals(true, memory.delete("a", "k", "writer")); // a write
        memory.delete("a", "k", "writer"); // not found: neither a write nor a refusal
        assertEquals(WriteResult.Status.DENIED, memory.write("a", "k", 3, "reader").status()); // refusal
        assertEquals(WriteResult.Status.VERSION_MISMATCH, memory.write("a", "k", 3, "writer",
                WriteOptions.builder().expectedVersion(7).build()).status()); // refusal
        assertEquals(WriteResult.Status.NO_NAMESPACE, memory.write("nowhere", "k", 1, "writer").status());
        memory.subscribe("a", "reader", e -> { }).close(); // neither
        memory.clearNamespace("b", "someone"); // denied: refusal in b (clearing needs admin)

        counters.sample(memory.getNamespaces(), 2_000);

        OperationCounters.Window w = all();
        assertEquals(2, newest(w.reads()), "a hit and a miss");
        assertEquals(3, newest(w.writes()), "two writes and a delete");
        assertEquals(3, newest(w.refusals()), "a denied write, a version mismatch, a denied clear");
        assertEquals(Instant.ofEpochMilli(2_000), w.end());
        assertEquals(Duration.ofSeconds(1), w.interval());
        assertEquals(INTERVALS, w.reads().size());

        assertEquals(java.util.Map.of("a", new OperationCounters.Totals(2, 3, 2), "b",
                new OperationCounters.Totals(0, 0, 1)), counters.totals(ns -> true), "per namespace; none for nowhere");
        assertEquals(java.util.Map.of("b", new OperationCounters.Totals(0, 0, 1)), counters.totals("b"::equals));

        OperationCounters.Window onlyB = counters.window("b"::equals);
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), onlyB.reads());
        assertEquals(List.of(0L, 0L, 0L, 0L, 1L), onlyB.refusals());
    }

    @Test
    void eachIntervalHoldsItsOwnOperations_oldestFirst_andOldOnesLeaveTheWindow() {
        memory.write("b", "k", 1, "w");
        counters.sample(null, 2_000);
        memory.write("b", "k", 2, "w");
        memory.write("b", "k", 3, "w");
        counters.sample(null, 3_000);
        assertEquals(List.of(0L, 0L, 0L, 1L, 2L), all().writes());

        for (int i = 0; i < INTERVALS - 1; i++) {
            counters.sample(null, 4_000 + i * 1_000L);
        }
        assertEquals(List.of(2L, 0L, 0L, 0L, 0L), all().writes(), "the first write's interval has left the window");
        counters.sample(null, 9_000);
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), all().writes());

        memory.write("b", "k", 4, "w");
        counters.sample(null, 10_000);
        assertEquals(List.of(0L, 0L, 0L, 0L, 1L), all().writes(), "a namespace idle for a window starts afresh");
    }

    @Test
    void aDeletedNamespaceIsForgotten_andANewOneIsCountedFromItsFirstOperation() {
        memory.write("b", "k", 1, "w");
        memory.deleteNamespace("b", "w"); // b's default permission is write: not an admin, refused
        assertEquals(true, memory.deleteNamespace("b", "boss"));
        counters.sample(memory.getNamespaces(), 2_000);
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), all().writes(), "b is gone, and with it its counts");

        assertEquals(true, memory.createNamespace("c", NamespaceConfig.defaults(), "creator"));
        memory.write("c", "k", 1, "creator");
        memory.write("c", "k", 2, "stranger"); // c's default permission: refusal, counted (c is known)
        counters.sample(null, 3_000); // the sampler has not seen c in the memory's list yet
        assertEquals(1, newest(all().writes()));
        assertEquals(1, newest(all().refusals()));
    }

    @Test
    void concurrentOperations_areAllCounted() throws Exception {
        int threads = 4;
        int each = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            String key = "k" + t;
            pool.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    memory.write("b", key, i, "w");
                    memory.read("b", key, "r");
                }
            });
        }
        go.countDown();
        pool.shutdown();
        assertEquals(true, pool.awaitTermination(60, TimeUnit.SECONDS));
        counters.sample(null, 2_000);
        assertEquals((long) threads * each, newest(all().writes()));
        assertEquals((long) threads * each, newest(all().reads()));
    }

    @Test
    void settingsOutOfRange_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> new OperationCounters(Duration.ofMillis(10), 10));
        assertThrows(IllegalArgumentException.class, () -> new OperationCounters(Duration.ofSeconds(1), 1));
        OperationCounters closed = new OperationCounters();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.start(memory));
    }
}
