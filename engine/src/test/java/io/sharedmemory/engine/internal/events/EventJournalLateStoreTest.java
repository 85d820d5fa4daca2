package io.sharedmemory.engine.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Guards the ring against a producer that is descheduled between claiming its sequence and storing its event while a
 * whole lap of newer events is published: its late store must not overwrite the newer event in the slot. Before the
 * fix it did, and a consumer waiting for the newer event waited for ever (or, a lap later, was cut off) — a silent gap.
 */
class EventJournalLateStoreTest {
    @Test
    void aLateStoreNeverReplacesANewerEventInItsSlot() {
        EventJournal journal = new EventJournal(16, new DeliveryPool("late-store", 1));
        int capacity = journal.capacity();
        long late = journal.claim();
        for (int i = 1; i <= capacity; i++) {
            journal.publish("event-" + i);
        }
        journal.store(late, "late");
        EventJournal.Envelope slot = journal.slot(capacity);
        assertEquals(capacity, slot.seq, "the slot went back to an older event");
        assertEquals("event-" + capacity, slot.event);
    }

    @Test
    void aConsumerWaitingForTheLatestEventGetsItDespiteALateStore() throws Exception {
        EventJournal journal = new EventJournal(16, new DeliveryPool("late-store", 1));
        int capacity = journal.capacity();
        long late = journal.claim();
        List<Object> seen = new CopyOnWriteArrayList<>();
        // registered after the late claim: its first event is the one after it, so the late event is not its concern
        Delivery<Object> d = new Delivery<>(journal, seen::add, missed -> "overflow:" + missed, () -> { }, "late");
        d.start();
        for (int i = 1; i < capacity; i++) {
            journal.publish("event-" + i);
        }
        assertTrue(d.awaitDelivery(Duration.ofSeconds(10)));
        journal.publish("event-" + capacity);
        journal.store(late, "late");
        assertTrue(d.awaitDelivery(Duration.ofSeconds(10)), "the consumer stalled on the slot the late store hit");
        assertEquals(capacity, seen.size());
        assertEquals("event-" + capacity, seen.get(capacity - 1));
        d.stop();
    }
}
