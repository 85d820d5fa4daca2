package io.sharedmemory.engine.internal.events;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;

/**
 * The fields an {@link EventJournal} producer reads or writes on every publish, kept on cache lines that no other
 * thread writes. HotSpot lays out a superclass's fields before its subclass's, so {@link Hot}'s fields sit between
 * {@link Before}'s padding and {@link After}'s. Without it, the delivery thread writing an object that the collector
 * happened to place next to the journal costs the writer a cache miss on every event.
 */
public final class JournalPadding {
    private JournalPadding() {
    }

    /** 128 bytes in front: a cache line and the one the adjacent-line prefetcher pairs with it. */
    public abstract static class Before {
        long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
    }

    public abstract static class Hot extends Before {
        static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(EventJournal.Envelope[].class);
        private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);
        /** The tail's cell in {@link #tailCell}: 128 bytes from either end of the array. */
        private static final int AT = 16;

        final EventJournal.Envelope[] ring;
        final int mask;
        /** Every {@code checkMask + 1} events the producer looks for consumers a whole ring behind. */
        final int checkMask;
        final DeliveryPool pool;
        /** The pool's awake count ({@link DeliveryPool#awakeCounter()}). */
        final int[] awake;
        /** The next sequence to claim, alone in the middle of its array. */
        private final long[] tailCell = new long[2 * AT];
        /**
         * The last event time made: events of the same millisecond share it (a plain field: an Instant is immutable,
         * so a racing reader sees a whole one, at worst an older one it then replaces).
         */
        private Instant lastInstant = Instant.EPOCH;
        /** Written under the journal's lock when a consumer registers or leaves. */
        volatile int consumerCount;

        Hot(int capacity, DeliveryPool pool) {
            this.ring = new EventJournal.Envelope[capacity];
            this.mask = capacity - 1;
            this.checkMask = Math.max(1, capacity / 8) - 1;
            this.pool = pool;
            this.awake = pool.awakeCounter();
        }

        /** @return the instant of {@code millis}, shared by the events of that millisecond */
        public final Instant instant(long millis) {
            Instant i = lastInstant;
            if (i.toEpochMilli() != millis) {
                i = Instant.ofEpochMilli(millis);
                lastInstant = i;
            }
            return i;
        }

        final long tail() {
            return (long) CELL.getVolatile(tailCell, AT);
        }

        final long claim() {
            return (long) CELL.getAndAdd(tailCell, AT, 1L);
        }
    }

    /** 128 bytes behind. */
    public abstract static class After extends Hot {
        long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

        After(int capacity, DeliveryPool pool) {
            super(capacity, pool);
        }
    }
}
