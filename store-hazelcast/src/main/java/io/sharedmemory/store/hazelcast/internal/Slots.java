package io.sharedmemory.store.hazelcast.internal;

import java.security.SecureRandom;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Names of operations, so that a record can tell an operation run again from a new one. A {@link Slot} runs one
 * operation at a time — a thread takes one for the operation and gives it back after — and numbers its operations in
 * order; its id is drawn at random (64 bits), unique across the cluster with overwhelming probability. So the slots in
 * use never outnumber the operations in flight, and a record keeps at most one mark per slot.
 */
final class Slots {
    private static final SecureRandom IDS = new SecureRandom();

    private final ConcurrentLinkedDeque<Slot> free = new ConcurrentLinkedDeque<>();

    /** One operation at a time; {@link #next()} names the next one. */
    static final class Slot {
        final long id;
        private long seq;

        Slot(long id) {
            this.id = id;
        }

        /** @return the sequence of the next operation of this slot */
        long next() {
            return ++seq;
        }
    }

    Slot take() {
        Slot s = free.pollFirst();
        return s != null ? s : new Slot(IDS.nextLong());
    }

    void give(Slot s) {
        free.offerFirst(s);
    }

    static long randomId() {
        return IDS.nextLong();
    }
}
