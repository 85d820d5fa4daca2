package io.sharedmemory.engine.internal;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A stream of events read by any number of independent consumers, each at its own pace: a lapping ring of
 * sequence-numbered envelopes, delivered by a {@link DeliveryPool}. The writer's cost is O(1) whatever the number of
 * consumers (claim a sequence, store one reference, read one counter), which is what lets one writer feed a hundred
 * subscribers.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Sequences are claimed with {@code getAndIncrement}, so they are unique and dense; the event with sequence
 *       {@code s} is stored in slot {@code s & mask} in an envelope that carries {@code s}, and a slot only ever moves to
 *       a higher sequence (a CAS), so a producer late by a whole lap cannot hide a newer event.</li>
 *   <li>A consumer at cursor {@code c} reads slot {@code c & mask}: an envelope with sequence {@code c} is its next
 *       event; a smaller sequence (or none) means {@code c} is claimed but not yet stored, or not claimed yet; a larger
 *       one means {@code c} was overwritten — the consumer fell a whole ring behind, and is cut off and told. Nothing
 *       is ever skipped silently. A consumer stuck in its callback is found by the producer's periodic check and cut
 *       off the same way, without waiting for it to return.</li>
 *   <li>No wake-up is lost: a consumer that has caught up adds itself to {@code idle}, marks itself IDLE, then
 *       looks at its next slot again; a producer stores (volatile) before it reads {@code idle}. Under sequential
 *       consistency of volatile accesses one of the two sees the other.</li>
 *   <li>Wake-ups are coalesced: a producer that sees idle consumers queues the wake round once ({@code wakeRequested});
 *       the round clears the request before it wakes every IDLE consumer, so a producer that finds the request
 *       already pending may rely on it: the round's scan comes after that producer's store.</li>
  <li>Callers that need events ordered with their commit claim the sequence inside the commit (see the engine).</li>
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
    private final DeliveryPool pool;
    /** Consumers that are IDLE, or about to be (counted first): what a producer reads to know whether to wake. */
    private final AtomicInteger idle = new AtomicInteger();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private final DeliveryPool.Task wakeRound = new DeliveryPool.Task() {
        @Override
        void run(DeliveryPool.Worker worker) {
            wakeIdle();
        }
    };
    /** Slots below this sequence have been cleared of their events (no consumer needs them any more). */
    private long clearedUpTo;
    private final AtomicBoolean housekeeping = new AtomicBoolean();
    /** Every {@code checkMask + 1} events the producer looks for consumers a whole ring behind (amortized O(1)). */
    private final long checkMask;

    EventJournal(int minCapacity, DeliveryPool pool) {
        this.pool = pool;
        // room for the consumers' batched progress reports (Delivery), so that a queue still holds minCapacity events
        int capacity = Integer.highestOneBit(Math.max(16, minCapacity + 32) - 1) << 1;
        this.ring = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
        this.checkMask = Math.max(1, capacity / 8) - 1;
    }

    /**
     * Cuts off consumers that are a whole ring behind, even one stuck in its callback: it is no longer active at once,
     * and is told (its last event) when its callback returns.
     */
    private void cutOffLaggards(long seq) {
        long slowest = seq;
        for (Delivery<?> d : consumers) {
            long delivered = d.delivered();
            long behind = seq - delivered;
            if (behind >= capacity()) {
                d.cutOff(behind);
            } else {
                slowest = Math.min(slowest, delivered);
            }
        }
        releaseEventsBelow(slowest);
    }

    /**
     * Drops the ring's references to events every consumer has passed, so that the ring does not keep up to a lap of
     * old values alive. Amortized O(1): called every {@code checkMask + 1} events, it clears at most that many slots
     * (or a whole lap, once, when the last consumer leaves). A slot is cleared only if it still holds an event older
     * than {@code below} (CAS), never a newer one.
     */
    private void releaseEventsBelow(long below) {
        if (!housekeeping.compareAndSet(false, true)) {
            return;
        }
        try {
            long from = Math.max(clearedUpTo, below - capacity());
            for (long s = from; s < below; s++) {
                int i = (int) (s & mask);
                Envelope e = ring.get(i);
                if (e != null && e.seq < below) {
                    ring.compareAndSet(i, e, null);
                }
            }
            clearedUpTo = Math.max(clearedUpTo, below);
        } finally {
            housekeeping.set(false);
        }
    }

    int capacity() {
        return mask + 1;
    }

    int consumerCount() {
        return consumers.size();
    }

    boolean hasConsumers() {
        return !consumers.isEmpty();
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
     * one would wait for ever); its own event is then older than the ring, and whoever still wanted it is cut off.
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
        if (idle.get() != 0 && !wakeRequested.get() && wakeRequested.compareAndSet(false, true)) {
            pool.submit(wakeRound);
        }
    }

    private void wakeIdle() {
        wakeRequested.set(false);
        for (Delivery<?> d : consumers) {
            if (d.tryWake()) {
                pool.submit(d);
            }
        }
    }

    /** Registers a consumer, IDLE, whose first event is the next one published. */
    long register(Delivery<?> d) {
        idle.incrementAndGet(); // it starts IDLE
        consumers.add(d);
        return tail.get();
    }

    void unregister(Delivery<?> d) {
        if (consumers.remove(d) && consumers.isEmpty()) {
            releaseEventsBelow(tail.get());
        }
    }

    /** @return the consumers counted idle (a test's view of the wake-up bookkeeping) */
    int idleConsumers() {
        return idle.get();
    }

    void enteredIdle() {
        idle.incrementAndGet();
    }

    void leftIdle() {
        idle.decrementAndGet();
    }

    DeliveryPool pool() {
        return pool;
    }

    Iterable<Delivery<?>> consumers() {
        return consumers;
    }
}
