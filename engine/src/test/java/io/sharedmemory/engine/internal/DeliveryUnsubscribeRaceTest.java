package io.sharedmemory.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Guards the hand-over between a delivery thread about to call its callback and an unsubscribe on another thread: the
 * unsubscribe must either see the callback running (and interrupt it) or the delivery thread must see the unsubscribe
 * (and not call the callback). A call entered just before the unsubscribe may still run its first statement after
 * unsubscribe returned; it must then already be interrupted. Before the fix, an unsubscribe that landed just before the call left a callback that
 * blocks until interrupted blocked forever — a leaked thread — and called it after unsubscribe had returned.
 *
 * <p>The window is a few instructions wide and is hit only when the delivery thread is descheduled inside it, so this
 * test is a statistical guard (1000 rounds in {@code verify}, {@code -Dsharedmemory.proof.unsubscribeRounds} more under
 * {@code -Pstress}); the argument for the fix is the Dekker pair {@code stopRequested}/{@code inCallback} in
 * {@link Delivery}.
 */
@Tag("concurrency")
class DeliveryUnsubscribeRaceTest {
    static final int ROUNDS = Integer.getInteger("sharedmemory.proof.unsubscribeRounds", 1000);

    @Test
    void unsubscribeRacingTheFirstDeliveryNeverLeavesABlockedThread() throws Exception {
        List<Thread> threads = new ArrayList<>();
        AtomicInteger lateCalls = new AtomicInteger();
        for (int i = 0; i < ROUNDS; i++) {
            EventJournal journal = new EventJournal(16);
            AtomicBoolean unsubscribed = new AtomicBoolean();
            Delivery<Object> d = new Delivery<>(journal, e -> {
                // a call that the unsubscribe raced with may run its first line after unsubscribe returned, but
                // then unsubscribe saw it and interrupted it (interrupt() happens-before the flag set below); a call
                // that was not interrupted is one that began after unsubscribe: the bug
                if (unsubscribed.get() && !Thread.currentThread().isInterrupted()) {
                    lateCalls.incrementAndGet();
                }
                try {
                    new CountDownLatch(1).await(); // blocks until interrupted
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                }
            }, missed -> "overflow", () -> { }, "race-" + i);
            d.start();
            threads.add(d.thread());
            journal.publish("event");
            if ((i & 1) == 0) {
                Thread.onSpinWait();
            }
            d.stop();
            unsubscribed.set(true);
        }
        int leaked = 0;
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(5));
            if (t.isAlive()) {
                leaked++;
                t.interrupt();
            }
        }
        assertEquals(0, leaked, "delivery threads left blocked after unsubscribe");
        assertEquals(0, lateCalls.get(), "callbacks started after unsubscribe returned without being interrupted");
        assertTrue(threads.size() == ROUNDS);
    }
}
