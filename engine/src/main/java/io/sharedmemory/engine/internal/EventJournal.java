package io.sharedmemory.engine.internal;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A stream of events read by any number of independent consumers, each at its own pace: a lapping ring of
 * sequence-numbered envelopes. The writer's cost is O(1) whatever the number of consumers (claim a sequence, store one
 * reference, read one counter), which is what lets one writer feed a hundred subscribers.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Sequences are claimed with {@code getAndIncrement}, so they are unique and dense; the event with sequence
 *       {@code s} is stored in slot {@code s & mask} in an envelope that carries {@code s}.</li>
 *   <li>A consumer at cursor {@code c} reads slot {@code c & mask}: an envelope with sequence {@code c} is its next
 *       event; a smaller sequence (or none) means {@code c} is claimed but not yet stored, or not claimed yet; a larger
 *       one means {@code c} was overwritten — the consumer fell a whole ring behind, and is cut off and told. Nothing
 *       is ever skipped silently. A consumer stuck in its callback is found by the producer's periodic check and cut
 *       off the same way, without waiting for it to return.</li>
 *   <li>No wake-up is lost: a consumer announces it is going to sleep ({@code sleeping}, then {@code sleepers}, both
 *       volatile) before it re-checks the ring; a producer stores (volatile) before it reads {@code sleepers}. Under
 *       sequential consistency of volatile accesses one of the two sees the other.</li>
 *   <li>Wake-ups are coalesced: a producer that sees sleepers sets {@code wakeRequested} and unparks one sleeper; every
 *       consumer leaving its sleep protocol clears a pending request and then unparks every sleeper it sees. A producer
 *       that finds the request already pending relies on that: the clearing happens after its check, so the scan that
 *       follows sees every consumer whose announcement the producer saw.</li>
 *   <li>Callers that need events ordered with their commit claim the sequence inside the commit (see the engine).</li>
 * </ul>
 */
final class EventJournal {
    static final class Envelope {
        final long seq;
        final Object event;

        Envelope(long seq, Object event) {
            this.seq = seq;
            this.event = event;
        }
    }

    private final AtomicReferenceArray<Envelope> ring;
    private final int mask;
    private final AtomicLong tail = new AtomicLong();
    private final CopyOnWriteArrayList<Delivery<?>> consumers = new CopyOnWriteArrayList<>();
    private final AtomicInteger sleepers = new AtomicInteger();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private volatile int consumerCount;
    /** Every {@code checkMask + 1} events the producer looks for consumers a whole ring behind (amortized O(1)). */
    private final long checkMask;

    EventJournal(int minCapacity) {
        int capacity = Integer.highestOneBit(Math.max(16, minCapacity) - 1) << 1;
        this.ring = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
        this.checkMask = Math.max(1, capacity / 8) - 1;
    }

    /**
     * Cuts off consumers that are a whole ring behind, even one stuck in its callback: it is no longer active at once,
     * and is told (its last event) when its callback returns.
     */
    private void cutOffLaggards(long seq) {
        for (Delivery<?> d : consumers) {
            long behind = seq - d.delivered();
            if (behind >= capacity()) {
                d.cutOff(behind);
            }
        }
    }

    int capacity() {
        return mask + 1;
    }

    boolean hasConsumers() {
        return consumerCount != 0;
    }

    long tail() {
        return tail.get();
    }

    Envelope slot(long seq) {
        return ring.get((int) (seq & mask));
    }

    void publish(Object event) {
        store(claim(), event);
    }

    long claim() {
        return tail.getAndIncrement();
    }

    /**
     * Stores the event claimed as {@code seq}, unless a newer one already holds the slot: a producer descheduled
     * between its claim and its store for a whole lap must not overwrite the newer event (a consumer waiting for that
     * one would wait for ever); its own event is then older than the ring and whoever still wants it is told so.
     */
    void store(long seq, Object event) {
        int i = (int) (seq & mask);
        Envelope envelope = new Envelope(seq, event);
        for (;;) {
            Envelope current = ring.get(i);
            if ((current != null && current.seq > seq) || ring.compareAndSet(i, current, envelope)) {
                break;
            }
        }
        if ((seq & checkMask) == 0 && seq != 0) {
            cutOffLaggards(seq);
        }
        if (sleepers.get() != 0 && !wakeRequested.get() && wakeRequested.compareAndSet(false, true)) {
            for (Delivery<?> d : consumers) {
                if (d.sleeping) {
                    LockSupport.unpark(d.thread());
                    return;
                }
            }
            wakeRequested.set(false);
        }
    }

    /**
     * Called by every consumer leaving its sleep protocol (woken or not): the first to see a pending wake request wakes
     * every sleeper. So a writer pays at most one unpark per wake-up round, however many consumers sleep.
     */
    void afterSleep() {
        if (wakeRequested.get() && wakeRequested.getAndSet(false)) {
            for (Delivery<?> d : consumers) {
                if (d.sleeping) {
                    LockSupport.unpark(d.thread());
                }
            }
        }
    }

    /** Registers a consumer whose first event is the next one published; the caller then starts it. */
    long register(Delivery<?> d) {
        consumers.add(d);
        consumerCount = consumers.size();
        return tail.get();
    }

    void unregister(Delivery<?> d) {
        consumers.remove(d);
        consumerCount = consumers.size();
    }

    void announceSleep() {
        sleepers.incrementAndGet();
    }

    void retractSleep() {
        sleepers.decrementAndGet();
    }

    Iterable<Delivery<?>> consumers() {
        return consumers;
    }
}
