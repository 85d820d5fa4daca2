package io.sharedmemory.engine.internal.events;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

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
 *   <li>The producer never schedules anybody: a consumer that has caught up waits, IDLE, until a {@link DeliveryPool}
 *       worker polling the journals ({@link #scheduleWaiting}) finds its cursor below the tail. A producer only reads
 *       whether some worker is awake, a counter that changes when workers park, not per event, so a writer and a
 *       delivery thread share no cache line per event but the ring's.</li>
 *   <li>No wake-up is lost: a producer stores (volatile), then reads the pool's awake count; a worker about to park
 *       leaves the awake count, then polls every journal once more. Under sequential consistency of volatile accesses
 *       one of the two sees the other (see {@link DeliveryPool}).</li>
 *   <li>Callers that need events ordered with their commit claim the sequence inside the commit (see the engine).</li>
 * </ul>
 */
public final class EventJournal extends JournalPadding.After {
    public static final class Envelope {
        final long seq;
        final Object event;

        Envelope(long seq, Object event) {
            this.seq = seq;
            this.event = event;
        }
    }

    private final CopyOnWriteArrayList<Delivery<?>> consumers = new CopyOnWriteArrayList<>();
    /** Slots below this sequence have been cleared of their events (no consumer needs them any more). */
    private long clearedUpTo;
    private final AtomicBoolean housekeeping = new AtomicBoolean();

    public EventJournal(int minCapacity, DeliveryPool pool) {
        super(slotsFor(minCapacity), pool);
    }

    /** Room for the consumers' batched progress reports (Delivery), so that a queue still holds minCapacity events. */
    private static int slotsFor(int minCapacity) {
        return Integer.highestOneBit(Math.max(16, minCapacity + 32) - 1) << 1;
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
                Envelope e = (Envelope) SLOT.getVolatile(ring, i);
                if (e != null && e.seq < below) {
                    SLOT.compareAndSet(ring, i, e, null);
                }
            }
            clearedUpTo = Math.max(clearedUpTo, below);
        } finally {
            housekeeping.set(false);
        }
    }

    public int capacity() {
        return mask + 1;
    }

    public int consumerCount() {
        return consumers.size();
    }

    public boolean hasConsumers() {
        return consumerCount != 0;
    }

    public Envelope slot(long seq) {
        return (Envelope) SLOT.getVolatile(ring, (int) (seq & mask));
    }

    public void publish(Object event) {
        store(claim(), event);
    }

    /**
     * Stores the event claimed as {@code seq}, unless a newer one already holds the slot: a producer descheduled
     * between its claim and its store for a whole lap must not overwrite the newer event (a consumer waiting for that
     * one would wait for ever); its own event is then older than the ring, and whoever still wanted it is cut off.
     */
    public void store(long seq, Object event) {
        int i = (int) (seq & mask);
        Envelope envelope = new Envelope(seq, event);
        for (;;) {
            Envelope current = (Envelope) SLOT.getVolatile(ring, i);
            if ((current != null && current.seq > seq) || SLOT.compareAndSet(ring, i, current, envelope)) {
                break;
            }
        }
        if ((seq & checkMask) == 0 && seq != 0) {
            cutOffLaggards(seq);
        }
        if (DeliveryPool.noneAwake(awake)) {
            pool.wakeForProducer();
        }
    }

    /**
     * Queues every IDLE consumer that has events to deliver, each to deliver up to the tail read here: a round of
     * deliveries then touches the ring's newest slots once, not once per consumer. Called by pool workers.
     *
     * @return whether it queued anybody
     */
    public boolean scheduleWaiting() {
        long t = tail();
        boolean queued = false;
        for (Delivery<?> d : consumers) {
            if (d.delivered() < t && d.tryWake(t)) {
                pool.submit(d);
                queued = true;
            }
        }
        return queued;
    }

    /** @return whether an IDLE consumer has events to deliver */
    public boolean hasWaiting() {
        long t = tail();
        for (Delivery<?> d : consumers) {
            if (d.delivered() < t && d.isIdle()) {
                return true;
            }
        }
        return false;
    }

    /** Registers a consumer whose first event is the next one published; pollers consider it once it is IDLE. */
    public synchronized long register(Delivery<?> d) {
        consumers.add(d);
        consumerCount = consumers.size();
        if (consumers.size() == 1) {
            pool.watch(this);
        }
        return tail();
    }

    public synchronized void unregister(Delivery<?> d) {
        if (!consumers.remove(d)) {
            return;
        }
        consumerCount = consumers.size();
        if (consumers.isEmpty()) {
            pool.unwatch(this);
            releaseEventsBelow(tail());
        }
    }

    public DeliveryPool pool() {
        return pool;
    }

    public Iterable<Delivery<?>> consumers() {
        return consumers;
    }
}
