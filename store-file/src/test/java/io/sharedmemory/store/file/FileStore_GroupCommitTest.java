package io.sharedmemory.store.file;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The barrier of {@code SYNC}: with the device's force held back, a writer has not returned; and the writers that
 * arrive meanwhile share the next force (group commit).
 */
class FileStore_GroupCommitTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static void hold(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IOException("never released");
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    @Test
    void aSyncWriter_returnsOnlyAfterTheForce_andWritersThatQueueMeanwhile_shareTheNextOne() throws Exception {
        SimulatedDisk disk = new SimulatedDisk();
        SharedMemory m = syncMemory(disk, Path.of("/simulated/barrier"));
        try {
            m.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            FirstForceHeld held = new FirstForceHeld();
            disk.hook(held);
            Future<WriteResult> first = pool.submit(() -> m.write("ns", "first", 1, "a"));
            assertTrue(held.inForce.await(60, TimeUnit.SECONDS));
            int queued = 8;
            List<Future<WriteResult>> others = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < queued; i++) {
                int n = i;
                others.add(pool.submit(() -> {
                    synchronized (threads) {
                        threads.add(Thread.currentThread());
                    }
                    return m.write("ns", "k" + n, n, "a");
                }));
            }
            // every queued writer has appended and waits for the force (parked), none has returned
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                synchronized (threads) {
                    return threads.size() == queued
                            && threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING);
                }
            });
            assertEquals(1, m.readEntry("ns", "k0", "a").orElseThrow().version(), "appended and visible");
            assertFalse(first.isDone(), "the writer returned while its force was held back");
            assertTrue(others.stream().noneMatch(Future::isDone), "a queued writer returned before any force");
            held.release.countDown();
            assertEquals(WriteResult.Status.WRITTEN, first.get(60, TimeUnit.SECONDS).status());
            for (Future<WriteResult> f : others) {
                assertEquals(WriteResult.Status.WRITTEN, f.get(60, TimeUnit.SECONDS).status());
            }
            assertEquals(2, held.forces.get(), "one force for the first writer, one shared by the eight queued behind it");
        } finally {
            m.destroy();
        }
    }

    /**
     * {@code SYNC} writers make no system call of their own: what they append stays pending until the flush they wait
     * for writes it, all at once, and forces it. While a force is held back, the writers queued behind it have written
     * nothing to the operating system, so a crash of the process then keeps only the record being forced (none of
     * theirs was acknowledged); released, they are all acknowledged, and all there after a crash. A record too big to
     * keep pending (1 MiB or more) is written at once, with what was pending before it.
     */
    @Test
    void syncWritersAppendWithoutASystemCall_andTheFlushTheyWaitForWritesThemAll() throws Exception {
        SimulatedDisk disk = new SimulatedDisk();
        Path dir = Path.of("/simulated/pending");
        SharedMemory m = syncMemory(disk, dir);
        int queued = 8;
        SimulatedDisk crashedWhileHeld;
        SimulatedDisk crashedAfter;
        String big = "b".repeat(1 << 20);
        try {
            m.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            FirstForceHeld held = new FirstForceHeld();
            disk.hook(held);
            AtomicInteger segmentWrites = held.writes;
            Future<WriteResult> first = pool.submit(() -> m.write("ns", "first", 1, "a"));
            assertTrue(held.inForce.await(60, TimeUnit.SECONDS));
            int writesBefore = segmentWrites.get();
            List<Future<WriteResult>> others = new ArrayList<>();
            for (int i = 0; i < queued; i++) {
                int n = i;
                others.add(pool.submit(() -> m.write("ns", "k" + n, n, "a")));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> IntStream.range(0, queued)
                    .allMatch(i -> m.readEntry("ns", "k" + i, "a").isPresent()));
            assertEquals(writesBefore, segmentWrites.get(), "the queued writers appended without a system call");
            assertTrue(others.stream().noneMatch(Future::isDone), "a queued writer returned before any force");
            crashedWhileHeld = disk.processCrash();

            Future<WriteResult> large = pool.submit(() -> m.write("ns", "big", big, "a"));
            await().atMost(Duration.ofSeconds(60)).until(() -> segmentWrites.get() > writesBefore);
            assertFalse(large.isDone(), "the large record is written at once, and still waits for its force");
            held.release.countDown();
            assertEquals(WriteResult.Status.WRITTEN, first.get(60, TimeUnit.SECONDS).status());
            for (Future<WriteResult> f : others) {
                assertEquals(WriteResult.Status.WRITTEN, f.get(60, TimeUnit.SECONDS).status());
            }
            assertEquals(WriteResult.Status.WRITTEN, large.get(60, TimeUnit.SECONDS).status());
            crashedAfter = disk.processCrash();
        } finally {
            m.destroy();
        }
        SharedMemory held = syncMemory(crashedWhileHeld, dir);
        try {
            assertEquals(List.of("first"), held.getKeys("ns", "a"), "only the record its flush had written");
        } finally {
            held.destroy();
        }
        SharedMemory after = syncMemory(crashedAfter, dir);
        try {
            for (int i = 0; i < queued; i++) {
                assertEquals(i, (Integer) after.read("ns", "k" + i, "a"));
            }
            assertEquals(1, (Integer) after.read("ns", "first", "a"));
            assertEquals(big, after.read("ns", "big", "a"));
        } finally {
            after.destroy();
        }
    }

    /** Counts the segments' writes and forces, and holds the first force back until released. */
    private static final class FirstForceHeld implements SimulatedDisk.Hook {
        final CountDownLatch inForce = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger forces = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();
        private final AtomicBoolean holding = new AtomicBoolean(true);

        @Override
        public void before(SimulatedDisk.Op op, Path path) throws IOException {
            if (op == SimulatedDisk.Op.SEGMENT_WRITE) {
                writes.incrementAndGet();
            }
            if (op == SimulatedDisk.Op.SEGMENT_FORCE) {
                forces.incrementAndGet();
                if (holding.compareAndSet(true, false)) {
                    inForce.countDown();
                    hold(release);
                }
            }
        }
    }

    private static SharedMemory syncMemory(SimulatedDisk disk, Path dir) {
        return SharedMemory.create(SharedMemoryOptions.builder().store(FileStore.builder(dir)
                .durability(Durability.SYNC).segmentSize(4 << 20).syncInterval(Duration.ofHours(1)).disk(disk)
                .build()).build());
    }

    /**
     * On the real file system, {@code SYNC} writes each record with a system call: a writer whose thread is
     * interrupted (an agent's task cancelled) must neither fail nor stop the store — a {@code FileChannel} would close
     * itself on the interrupt and take the log down with it. The writer keeps its interrupt status.
     */
    @Test
    void anInterruptedSyncWriter_isStillAcknowledged_andTheStoreGoesOn(@TempDir Path dir) throws Exception {
        try (SharedMemory m = SharedMemory.create(SharedMemoryOptions.builder()
                .store(FileStore.open(dir, Durability.SYNC)).build())) {
            m.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            Future<Boolean> interrupted = pool.submit(() -> {
                Thread.currentThread().interrupt();
                WriteResult r = m.write("ns", "cancelled", 1, "a");
                assertEquals(WriteResult.Status.WRITTEN, r.status(), r.toString());
                return Thread.currentThread().isInterrupted();
            });
            assertTrue(interrupted.get(60, TimeUnit.SECONDS), "the writer's interrupt status is kept");
            assertEquals(WriteResult.Status.WRITTEN, m.write("ns", "after", 2, "a").status());
        }
        try (SharedMemory m = SharedMemory.create(SharedMemoryOptions.builder()
                .store(FileStore.open(dir, Durability.SYNC)).build())) {
            assertEquals(1, m.<Number>read("ns", "cancelled", "a").intValue());
            assertEquals(2, m.<Number>read("ns", "after", "a").intValue());
        }
    }

    /**
     * The same in {@code BATCHED}, where the log is written through memory: an interrupted writer whose records are
     * larger than a segment makes each new segment in its own thread (the one prepared in the background is too
     * small) — making it must not be aborted by the interrupt either.
     */
    @Test
    void anInterruptedWriterThatMakesSegments_isStillAcknowledged(@TempDir Path dir) throws Exception {
        int writes = 5;
        String large = "x".repeat(100 << 10);
        try (SharedMemory m = SharedMemory.create(SharedMemoryOptions.builder()
                .store(FileStore.builder(dir).durability(Durability.BATCHED).segmentSize(64 << 10).build()).build())) {
            m.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            Future<Boolean> interrupted = pool.submit(() -> {
                Thread.currentThread().interrupt();
                for (int i = 0; i < writes; i++) {
                    WriteResult r = m.write("ns", "k" + i, large + i, "a");
                    assertEquals(WriteResult.Status.WRITTEN, r.status(), r.toString());
                }
                return Thread.currentThread().isInterrupted();
            });
            assertTrue(interrupted.get(120, TimeUnit.SECONDS), "the writer's interrupt status is kept");
        }
        try (SharedMemory m = SharedMemory.create(SharedMemoryOptions.builder()
                .store(FileStore.open(dir)).build())) {
            for (int i = 0; i < writes; i++) {
                assertEquals(large + i, m.read("ns", "k" + i, "a"));
            }
        }
    }
    /**
     * A {@code BATCHED} writer interrupted again and again while it writes — its records moving the segment's mapped
     * window every few writes, and the log onto new segments — is acknowledged every time and the store goes on:
     * mapping a window is interruptible, and an interrupt that arrived during it must not close the segment's file.
     */
    @Test
    void aWriterInterruptedThroughout_movesItsWindows_andTheStoreGoesOn(@TempDir Path dir) throws Exception {
        int writes = 3_000;
        String value = "v".repeat(2_000);
        try (SharedMemory m = SharedMemory.create(SharedMemoryOptions.builder()
                .store(FileStore.builder(dir).durability(Durability.BATCHED).segmentSize(128 << 10).build()).build())) {
            m.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            AtomicBoolean done = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(1);
            Thread writer = new Thread(() -> {
                started.countDown();
                try {
                    for (int i = 0; i < writes; i++) {
                        WriteResult r = m.write("ns", "k" + i, value + i, "a");
                        assertEquals(WriteResult.Status.WRITTEN, r.status(), "write " + i + ": " + r);
                    }
                } finally {
                    done.set(true);
                }
            }, "interrupted-writer");
            List<Throwable> failures = new ArrayList<>();
            writer.setUncaughtExceptionHandler((t, e) -> failures.add(e));
            writer.start();
            started.await();
            int interrupts = 0;
            while (!done.get()) {
                writer.interrupt();
                interrupts++;
                Thread.onSpinWait();
            }
            writer.join(120_000);
            assertFalse(writer.isAlive(), "the writer finished");
            assertEquals(List.of(), failures);
            assertTrue(interrupts > writes, "the writer was interrupted throughout: " + interrupts);
            assertEquals(WriteResult.Status.WRITTEN, m.write("ns", "after", 1, "a").status());
        }
        try (SharedMemory m = SharedMemory.create(SharedMemoryOptions.builder()
                .store(FileStore.open(dir)).build())) {
            for (int i = 0; i < writes; i++) {
                assertEquals(value + i, m.read("ns", "k" + i, "a"), "k" + i);
            }
        }
    }
}
