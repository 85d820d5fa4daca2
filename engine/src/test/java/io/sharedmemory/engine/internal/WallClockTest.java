package io.sharedmemory.engine.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The wall clock read through System.nanoTime(). Bounds are one millisecond wider than the two reads around the call:
 * the derived time may differ from System.currentTimeMillis() by the drift of the two clocks over the re-anchoring
 * period (microseconds), which can cross a millisecond boundary.
 */
class WallClockTest {
    private static void assertWithin(long before, long actual, long after) {
        assertTrue(actual >= before - 1 && actual <= after + 1,
                () -> actual + " is not within [" + before + ", " + after + "] ± 1 ms");
    }

    @Test
    void millisAt_agreesWithTheSystemClock_acrossReanchoring() throws InterruptedException {
        WallClock wall = new WallClock(Clock.systemUTC());
        long end = System.nanoTime() + 3 * WallClock.REANCHOR_NANOS;
        int checks = 0;
        while (System.nanoTime() < end || checks < 1000) {
            long before = System.currentTimeMillis();
            long at = wall.millisAt(System.nanoTime());
            long after = System.currentTimeMillis();
            assertWithin(before, at, after);
            if (++checks % 100 == 0) {
                Thread.sleep(1);
            }
        }
    }

    @Test
    void millisAt_followsAStepOfItsClock_afterTheReanchoringPeriod() {
        MutableClock clock = new MutableClock(1_000_000_000_000L);
        WallClock wall = new WallClock(clock);
        long first = wall.millisAt(System.nanoTime());
        assertTrue(first >= 1_000_000_000_000L && first < 1_000_000_000_000L + 5_000, () -> "first: " + first);
        clock.set(2_000_000_000_000L);
        // this clock stands still: a stamp read just before a re-anchoring maps to just before its instant
        await().atMost(Duration.ofSeconds(5))
                .until(() -> wall.millisAt(System.nanoTime()) >= 2_000_000_000_000L - 1);
        long stepped = wall.millisAt(System.nanoTime());
        assertTrue(stepped < 2_000_000_000_000L + 5_000, () -> "stepped: " + stepped);
    }

    @Test
    void millisAt_ofAStampReadBeforeTheAnchor_isStillRight() {
        WallClock wall = new WallClock(Clock.systemUTC());
        long before = System.currentTimeMillis();
        long early = System.nanoTime();
        long later = early + 2 * WallClock.REANCHOR_NANOS;
        // re-anchors at a future stamp; a stamp older than the new anchor still maps to its own time
        wall.millisAt(later);
        long after = System.currentTimeMillis();
        assertWithin(before, wall.millisAt(early), after);
    }

    @Test
    void concurrentReaders_allGetTheSystemTime() throws Exception {
        WallClock wall = new WallClock(Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                runs.add(pool.submit(() -> {
                    long end = System.nanoTime() + 5 * WallClock.REANCHOR_NANOS;
                    int n = 0;
                    while (System.nanoTime() < end) {
                        long before = System.currentTimeMillis();
                        long at = wall.millisAt(System.nanoTime());
                        long after = System.currentTimeMillis();
                        assertWithin(before, at, after);
                        n++;
                    }
                    return n;
                }));
            }
            for (Future<Integer> f : runs) {
                assertTrue(f.get(30, TimeUnit.SECONDS) > 0);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The system clock, but its first reads take {@code delayNanos} to return an instant read at their start. */
    private static final class PreemptedReads extends Clock {
        private final AtomicInteger slowReads;
        private final long delayNanos;

        PreemptedReads(int slowReads, long delayNanos) {
            this.slowReads = new AtomicInteger(slowReads);
            this.delayNanos = delayNanos;
        }

        @Override
        public Instant instant() {
            Instant now = Clock.systemUTC().instant();
            if (slowReads.getAndDecrement() > 0) {
                long until = System.nanoTime() + delayNanos;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void anAnchorReadSlowly_isReadAgain() {
        // paired with the middle of a 5 ms read, every time would lag 2.5 ms
        PreemptedReads clock = new PreemptedReads(2, 5_000_000L);
        WallClock wall = new WallClock(clock);
        // two slow reads, then at least one more (on a loaded machine the next may be preempted too)
        assertTrue(clock.slowReads.get() <= -1, () -> "reads left: " + clock.slowReads.get());
        long before = System.currentTimeMillis();
        long at = wall.millisAt(System.nanoTime());
        long after = System.currentTimeMillis();
        assertWithin(before, at, after);
    }

    @Test
    void aClockThatIsAlwaysSlow_stillGivesAnAnchor_afterAHundredReads() {
        PreemptedReads clock = new PreemptedReads(Integer.MAX_VALUE, 100_000L);
        WallClock wall = new WallClock(clock);
        assertEquals(Integer.MAX_VALUE - 100, clock.slowReads.get());
        long before = System.currentTimeMillis();
        long at = wall.millisAt(System.nanoTime());
        long after = System.currentTimeMillis();
        // the last read's instant, paired with the middle of its 0.1 ms read: 0.05 ms behind, more if that read was
        // preempted — an anchor still, a few milliseconds at worst
        assertTrue(at >= before - 5 && at <= after + 1,
                () -> at + " is not within [" + before + " - 5, " + after + " + 1]");
    }

    @Test
    void isSystem_onlyForTheSystemClock() {
        assertTrue(WallClock.isSystem(Clock.systemUTC()));
        assertTrue(WallClock.isSystem(Clock.systemDefaultZone()));
        assertTrue(WallClock.isSystem(Clock.system(ZoneId.of("Asia/Tokyo"))));
        assertFalse(WallClock.isSystem(Clock.fixed(Instant.EPOCH, ZoneId.of("UTC"))));
        assertFalse(WallClock.isSystem(Clock.offset(Clock.systemUTC(), Duration.ofHours(1))));
        assertFalse(WallClock.isSystem(new MutableClock(0)));
        assertEquals(Clock.systemUTC().getClass(), Clock.systemDefaultZone().getClass());
    }
}
