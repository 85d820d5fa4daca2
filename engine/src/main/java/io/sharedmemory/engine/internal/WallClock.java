package io.sharedmemory.engine.internal;

import java.time.Clock;
import java.time.Instant;

/**
 * The system's wall clock read through {@link System#nanoTime()}: an operation reads the monotonic clock once, for its
 * audit stamp, and gets its timestamp from the same read. Re-anchored to the system clock every
 * {@value #REANCHOR_NANOS} ns, so it follows steps and slews of the system clock within that time; in between it can
 * differ from {@link System#currentTimeMillis()} by the drift of the two clocks over that time (microseconds).
 */
final class WallClock {
    /*
     * Invariants: an anchor is one (nanoTime, epoch nanoseconds) pair read within 20 µs of each other (unless the
     * thread was preempted a hundred times running) and never changed; `anchor`
     * always holds a valid one. Threads that find it stale may re-anchor at once; the last write wins and every anchor
     * is valid, so no lock is needed.
     */
    static final long REANCHOR_NANOS = 10_000_000L;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long MAX_ANCHOR_GAP_NANOS = 20_000L;
    private static final int MAX_ANCHOR_ATTEMPTS = 100;

    private record Anchor(long nanoTime, long epochNanos) {
    }

    private final Clock system;
    private volatile Anchor anchor;

    WallClock(Clock system) {
        this.system = system;
        this.anchor = anchorNow();
    }

    /** @return whether the clock is the system clock in any zone (its millis() is System.currentTimeMillis()) */
    static boolean isSystem(Clock clock) {
        return clock.getClass() == Clock.systemUTC().getClass();
    }

    /**
     * @param nanoTime a value of {@link System#nanoTime()} read moments ago
     * @return the wall-clock time at that moment, in milliseconds since the epoch
     */
    long millisAt(long nanoTime) {
        Anchor a = anchor;
        long since = nanoTime - a.nanoTime;
        if (since >= REANCHOR_NANOS) {
            a = anchorNow();
            anchor = a;
            since = nanoTime - a.nanoTime;
        }
        // after 1970 the sum is positive: plain division, which the compiler turns into a multiplication
        return (a.epochNanos + since) / NANOS_PER_MILLI;
    }

    /**
     * Reads the clock between two nanoTime reads and retries when they are far apart: a thread preempted between the
     * reads would otherwise pair the wall time with a later nanoTime, and every timestamp would lag until the next
     * re-anchoring.
     */
    private Anchor anchorNow() {
        for (int attempt = 1; ; attempt++) {
            long before = System.nanoTime();
            Instant now = system.instant();
            long after = System.nanoTime();
            if (after - before <= MAX_ANCHOR_GAP_NANOS || attempt == MAX_ANCHOR_ATTEMPTS) {
                return new Anchor(before + (after - before) / 2,
                        now.getEpochSecond() * 1_000_000_000L + now.getNano());
            }
        }
    }
}
