package io.sharedmemory.engine.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Guards the hand-over between a pool worker about to call a callback and an unsubscribe on another thread: the
 * unsubscribe must either find the worker inside the consumer's batch (and interrupt it there) or the worker must see
 * the unsubscribe (and not call the callback). A call entered just before the unsubscribe may still run its first
 * statement after unsubscribe returned; it must then already be interrupted. Without the handshake, an unsubscribe
 * that landed just before the call left a callback that blocks until interrupted blocked for ever.
 *
 * <p>The window is a few instructions wide and is hit only when the worker is descheduled inside it, so this test is a
 * statistical guard (1000 rounds in {@code verify}, {@code -Dsharedmemory.proof.unsubscribeRounds} more under
 * {@code -Pstress}); the argument is the {@code stopped}/{@code runner} handshake under the consumer's lock in
 * {@link Delivery}. The rounds share one pool, as an engine's consumers do, so an interrupt that reached the wrong
 * consumer's callback would show up as a blocked call too.
 */
@Tag("concurrency")
class DeliveryUnsubscribeRaceTest {
    static final int ROUNDS = Integer.getInteger("sharedmemory.proof.unsubscribeRounds", 1000);

    @Test
    void unsubscribeRacingTheFirstDeliveryNeverLeavesABlockedCallback() throws Exception {
        DeliveryPool pool = new DeliveryPool("race", 2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger entered = new AtomicInteger();
        AtomicInteger lateCalls = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        for (int i = 0; i < ROUNDS; i++) {
            EventJournal journal = new EventJournal(16, pool);
            AtomicBoolean unsubscribed = new AtomicBoolean();
            Delivery<Object> d = new Delivery<>(journal, e -> {
                entered.incrementAndGet();
                inside.incrementAndGet();
                try {
                    // a call that the unsubscribe raced with may run its first line after unsubscribe returned, but
                    // then unsubscribe found it and interrupted it (interrupt() happens-before the flag set below);
                    // a call that was not interrupted is one that began after unsubscribe: the bug
                    if (unsubscribed.get() && !Thread.currentThread().isInterrupted()) {
                        lateCalls.incrementAndGet();
                    }
                    new CountDownLatch(1).await(); // blocks until interrupted
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                } finally {
                    inside.decrementAndGet();
                }
            }, missed -> "overflow", ended::incrementAndGet, "race-" + i);
            d.start();
            int before = entered.get();
            journal.publish("event");
            // spread the stop over the worker's hand-over: from before it takes the consumer to inside the callback
            for (int spin = (i * 7) % 4096; spin > 0; spin--) {
                Thread.onSpinWait();
            }
            if (i % 100 == 99) {
                // on a machine so loaded that no worker ever runs within the spin, one stop in a hundred still lands
                // inside the callback, so the check of both sides below guards the test, not the machine's load
                long enterBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (entered.get() == before && System.nanoTime() < enterBy) {
                    Thread.onSpinWait();
                }
            }
            d.stop();
            unsubscribed.set(true);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((inside.get() != 0 || ended.get() != ROUNDS) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, inside.get(), "callbacks left blocked after unsubscribe (of " + entered.get() + " started)");
        assertEquals(0, lateCalls.get(), "callbacks started after unsubscribe returned without being interrupted");
        assertEquals(ROUNDS, ended.get(), "every consumer ends exactly once");
        assertTrue(entered.get() > 0 && entered.get() < ROUNDS,
                "the stops should land on both sides of the callback's start; callbacks entered: " + entered.get());
    }
}
