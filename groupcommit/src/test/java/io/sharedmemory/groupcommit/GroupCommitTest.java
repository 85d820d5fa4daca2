package io.sharedmemory.groupcommit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    /** What the simulated file has appended: a flush makes all of it durable. */
    private final AtomicLong appended = new AtomicLong();

    /** Blocks a flush until the test lets it go. */
    private static void hold(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IOException("the test never released the flush");
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aWriter_returnsOnlyAfterTheFlushCompleted() throws Exception {
        CountDownLatch inFlush = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit gc = new GroupCommit("file", 0, target -> {
            inFlush.countDown();
            hold(release);
            return appended.get();
        });
        appended.set(10);
        Future<?> writer = pool.submit(() -> {
            gc.await(10);
            return null;
        });
        assertTrue(inFlush.await(30, TimeUnit.SECONDS));
        assertFalse(writer.isDone(), "the writer returned while its flush was still running");
        assertEquals(0, gc.durable());
        release.countDown();
        writer.get(30, TimeUnit.SECONDS);
        assertEquals(10, gc.durable());
        assertEquals(1, gc.flushes());
        gc.await(5);
        assertEquals(1, gc.flushes(), "a position already durable needs no flush");
    }

    @Test
    void writersThatArriveDuringAFlush_shareTheNextOne() throws Exception {
        CountDownLatch firstInFlush = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        List<Long> targets = new ArrayList<>();
        GroupCommit gc = new GroupCommit("file", 0, target -> {
            synchronized (targets) {
                targets.add(target);
            }
            long upTo = appended.get(); // what was appended when the flush began
            if (calls.incrementAndGet() == 1) {
                firstInFlush.countDown();
                hold(releaseFirst);
            }
            return upTo;
        });
        appended.set(1);
        Future<?> first = pool.submit(() -> {
            gc.await(1);
            return null;
        });
        assertTrue(firstInFlush.await(30, TimeUnit.SECONDS));
        int others = 7;
        List<Future<?>> rest = new ArrayList<>();
        for (int i = 0; i < others; i++) {
            long position = appended.incrementAndGet();
            rest.add(pool.submit(() -> {
                gc.await(position);
                return null;
            }));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> gc.waiting() == others);
        releaseFirst.countDown();
        first.get(30, TimeUnit.SECONDS);
        for (Future<?> f : rest) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertEquals(2, calls.get(), "seven writers that queued behind one flush share the next one");
        assertEquals(1 + others, gc.durable());
        assertTrue(targets.get(1) > targets.get(0), "targets never decrease: " + targets);
    }

    /**
     * Eight writers in a loop (append, await, again) against a flush that takes a few milliseconds, as a disk's would:
     * the writers a flush releases come back within microseconds, and the next leader waits for them, so a flush
     * covers nearly all eight. Without the gathering, the first writer back would flush its record alone while the
     * seven others were still on their way, and flushes would alternate between one writer and seven (four a flush).
     */
    @Test
    void theNextLeader_waitsForTheWritersTheLastFlushReleased() throws Exception {
        List<Long> covered = new ArrayList<>();
        AtomicLong lastReached = new AtomicLong();
        GroupCommit gc = new GroupCommit("file", 0, target -> {
            long upTo = appended.get();
            try {
                Thread.sleep(3);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            synchronized (covered) {
                covered.add(upTo - lastReached.getAndSet(upTo));
            }
            return upTo;
        });
        int writers = 8;
        int rounds = 40;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            all.add(pool.submit(() -> {
                start.await();
                for (int r = 0; r < rounds; r++) {
                    gc.await(appended.incrementAndGet());
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : all) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(writers * rounds, gc.durable());
        double mean = (double) (writers * rounds) / covered.size();
        assertTrue(mean >= 6, "records per flush: " + mean + " " + covered);

        // the seven others stopped: the one left goes on, its cohort counted again after one bounded wait
        for (int r = 0; r < 5; r++) {
            gc.await(appended.incrementAndGet());
        }
        assertEquals(writers * rounds + 5, gc.durable());
    }

    /**
     * A flush is asked for the highest position any caller waits for, so an owner whose flush goes exactly as far as
     * its target (and no further) still serves the callers queued behind a flush with one more flush, not one each.
     */
    @Test
    void aFlushIsAskedForTheHighestPositionWaitedFor() throws Exception {
        CountDownLatch firstInFlush = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<Long> targets = new ArrayList<>();
        GroupCommit gc = new GroupCommit("file", 0, target -> {
            synchronized (targets) {
                targets.add(target);
            }
            if (target == 1) {
                firstInFlush.countDown();
                hold(releaseFirst);
            }
            return target;
        });
        Future<?> first = pool.submit(() -> {
            gc.await(1);
            return null;
        });
        assertTrue(firstInFlush.await(30, TimeUnit.SECONDS));
        int others = 8;
        List<Future<?>> rest = new ArrayList<>();
        for (int i = 0; i < others; i++) {
            long position = 2 + i;
            rest.add(pool.submit(() -> {
                gc.await(position);
                return null;
            }));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> gc.waiting() == others);
        releaseFirst.countDown();
        first.get(30, TimeUnit.SECONDS);
        for (Future<?> f : rest) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertEquals(List.of(1L, 1L + others), targets);
    }

    /** A flush that throws a checked exception it does not declare (as Kotlin code may) fails like any other. */
    @Test
    void aFlushThatThrowsAnUndeclaredCheckedException_failsAndStrandsNobody() throws Exception {
        CountDownLatch inFlush = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit gc = new GroupCommit("file", 0, target -> {
            inFlush.countDown();
            hold(release);
            throw GroupCommitTest.<RuntimeException>sneaky(new Exception("not declared"));
        });
        Future<?> leader = pool.submit(() -> {
            gc.await(1);
            return null;
        });
        assertTrue(inFlush.await(30, TimeUnit.SECONDS));
        Future<?> waiter = pool.submit(() -> {
            gc.await(2);
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> gc.waiting() == 1);
        release.countDown();
        ExecutionException led = assertThrows(ExecutionException.class, () -> leader.get(30, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, led.getCause());
        ExecutionException waited = assertThrows(ExecutionException.class, () -> waiter.get(30, TimeUnit.SECONDS));
        assertInstanceOf(CommitFailedException.class, waited.getCause());
        assertThrows(CommitFailedException.class, () -> gc.await(3));
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void aFailedFlush_failsItsLeader_itsWaiters_andEveryLaterCaller_andIsNeverRetried() throws Exception {
        CountDownLatch inFlush = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        IOException diskGone = new IOException("Input/output error");
        GroupCommit gc = new GroupCommit("log", 0, target -> {
            calls.incrementAndGet();
            inFlush.countDown();
            hold(release);
            throw diskGone;
        });
        Future<?> leader = pool.submit(() -> {
            gc.await(1);
            return null;
        });
        assertTrue(inFlush.await(30, TimeUnit.SECONDS));
        Future<?> waiter = pool.submit(() -> {
            gc.await(2);
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> gc.waiting() == 1);
        release.countDown();
        ExecutionException led = assertThrows(ExecutionException.class, () -> leader.get(30, TimeUnit.SECONDS));
        assertSame(diskGone, led.getCause(), "the leader gets its flush's own exception");
        ExecutionException waited = assertThrows(ExecutionException.class, () -> waiter.get(30, TimeUnit.SECONDS));
        CommitFailedException w = assertInstanceOf(CommitFailedException.class, waited.getCause());
        assertSame(diskGone, w.getCause());
        assertTrue(w.getMessage().startsWith("log failed earlier"), w.getMessage());
        CommitFailedException later = assertThrows(CommitFailedException.class, () -> gc.await(3));
        assertSame(diskGone, later.getCause());
        assertThrows(CommitFailedException.class, () -> gc.await(0), "not even a durable position is confirmed");
        assertEquals(1, calls.get(), "a failed flush is never retried");
        assertSame(diskGone, gc.failure());
    }

    @Test
    void aFlushThatThrowsARuntimeException_stopsTheGroupCommitToo() {
        GroupCommit gc = new GroupCommit("log", 0, target -> {
            throw new IllegalStateException("mapped buffer gone");
        });
        IOException e = assertThrows(IOException.class, () -> gc.await(1));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertThrows(CommitFailedException.class, () -> gc.await(1));
    }

    @Test
    void aFlushThatFallsShortOfItsTarget_isAFailure() throws Exception {
        GroupCommit gc = new GroupCommit("log", 0, target -> target - 1);
        IOException e = assertThrows(IOException.class, () -> gc.await(5));
        assertTrue(e.getMessage().contains("short of 5"), e.getMessage());
        assertThrows(CommitFailedException.class, () -> gc.await(1));
    }

    @Test
    void anOwnersFailure_stopsWaitersAndLaterCallers() throws Exception {
        CountDownLatch inFlush = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit gc = new GroupCommit("log", 0, target -> {
            inFlush.countDown();
            hold(release);
            return target;
        });
        Future<?> leader = pool.submit(() -> {
            gc.await(1);
            return null;
        });
        assertTrue(inFlush.await(30, TimeUnit.SECONDS));
        Future<?> waiter = pool.submit(() -> {
            gc.await(2);
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> gc.waiting() == 1);
        IOException torn = new IOException("append failed half-way");
        gc.fail(torn);
        ExecutionException waited = assertThrows(ExecutionException.class, () -> waiter.get(30, TimeUnit.SECONDS));
        assertSame(torn, waited.getCause().getCause());
        release.countDown();
        leader.get(30, TimeUnit.SECONDS);
        assertEquals(1, gc.durable(), "the flush that was running completed");
        assertThrows(CommitFailedException.class, () -> gc.await(2));
        gc.fail(new IOException("second"));
        assertSame(torn, gc.failure(), "the first failure is kept");
    }

    /**
     * A waiter yields instead of parking for a bounded time only: behind a flush that does not end, it parks, so a slow
     * device costs the writers waiting for it no processor time beyond that bound.
     */
    @Test
    void aWaiterBehindAFlushThatDoesNotEnd_yieldsForABoundedTime_thenParks() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch inSecond = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit gc = new GroupCommit("file", 0, target -> {
            long upTo = appended.get();
            if (calls.incrementAndGet() == 1) {
                // a fast device's flush: the next waits yield for up to twice as long before they park
                long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(300);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            } else {
                inSecond.countDown();
                hold(release);
            }
            return upTo;
        });
        gc.await(appended.incrementAndGet());
        long leaderPosition = appended.incrementAndGet();
        Future<?> leader = pool.submit(() -> {
            gc.await(leaderPosition);
            return null;
        });
        assertTrue(inSecond.await(30, TimeUnit.SECONDS));
        long waiterPosition = appended.incrementAndGet();
        Future<?> waiter = pool.submit(() -> {
            gc.await(waiterPosition);
            return null;
        });
        // parked on the group commit: a yielding waiter is RUNNABLE, and would stay so for as long as the flush ran
        await().atMost(Duration.ofSeconds(30)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getState() == Thread.State.WAITING && LockSupport.getBlocker(t) == gc));
        assertFalse(waiter.isDone());
        release.countDown();
        leader.get(30, TimeUnit.SECONDS);
        waiter.get(30, TimeUnit.SECONDS);
        assertEquals(waiterPosition, gc.durable());
        assertEquals(3, calls.get());
    }

    @Test
    void anInterruptedWaiter_keepsWaiting_andReturnsWithItsInterruptStatus() throws Exception {
        CountDownLatch inFlush = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit gc = new GroupCommit("log", 0, target -> {
            inFlush.countDown();
            hold(release);
            return 2;
        });
        Future<?> leader = pool.submit(() -> {
            gc.await(1);
            return null;
        });
        assertTrue(inFlush.await(30, TimeUnit.SECONDS));
        boolean[] interrupted = new boolean[1];
        long[] durableAtReturn = new long[1];
        Thread waiter = new Thread(() -> {
            try {
                gc.await(2);
                durableAtReturn[0] = gc.durable();
                interrupted[0] = Thread.currentThread().isInterrupted();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        waiter.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> gc.waiting() == 1);
        waiter.interrupt();
        release.countDown();
        leader.get(30, TimeUnit.SECONDS);
        waiter.join(30_000);
        assertFalse(waiter.isAlive());
        assertEquals(2, durableAtReturn[0], "the interrupted waiter returned only once its position was durable");
        assertTrue(interrupted[0], "the interrupt status is kept");
    }
}
