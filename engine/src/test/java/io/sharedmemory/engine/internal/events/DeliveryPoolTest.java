package io.sharedmemory.engine.internal.events;

import io.sharedmemory.engine.internal.Engine;
import io.sharedmemory.engine.internal.ProofPlugins;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The delivery pool: many consumers on few threads, a stuck callback replaced rather than waited for, threads that end
 * when there is nothing to deliver and come back when there is.
 */
class DeliveryPoolTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private static List<Integer> upTo(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    private static <T> Delivery<T> consumer(EventJournal journal, java.util.function.Consumer<T> callback,
                                            AtomicInteger ends) {
        Delivery<T> d = new Delivery<>(journal, callback, missed -> null, ends::incrementAndGet, "test consumer");
        d.start();
        return d;
    }

    @Test
    void aHundredConsumersShareOneWorkerAndEachGetsEveryEventInOrder() throws Exception {
        DeliveryPool pool = new DeliveryPool("pool-test-a", 1);
        EventJournal journal = new EventJournal(4096, pool);
        AtomicInteger ends = new AtomicInteger();
        List<List<Object>> seen = new ArrayList<>();
        List<Delivery<Object>> consumers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            List<Object> mine = new ArrayList<>(); // one consumer's callback never runs concurrently with itself
            seen.add(mine);
            consumers.add(consumer(journal, mine::add, ends));
        }
        int most = 0;
        for (int e = 0; e < 2000; e++) {
            journal.publish(e);
            most = Math.max(most, pool.threads());
        }
        for (Delivery<Object> d : consumers) {
            assertTrue(d.awaitDelivery(WAIT));
            most = Math.max(most, pool.threads());
        }
        assertTrue(most <= 1, most + " delivery threads at once for a pool of one");
        for (List<Object> mine : seen) {
            assertEquals(new ArrayList<>(upTo(2000)), mine);
        }
        consumers.forEach(Delivery::stop);
        // each ends once: inside stop when idle, else by the worker holding it, right after
        await().atMost(WAIT).until(() -> ends.get() == 100 && pool.threads() == 0);
        assertEquals(100, ends.get());
    }

    /**
     * Workers that park the moment they find nothing (no spinning) race every publish: a producer that reads "nobody
     * awake" must wake one, and a worker going to park must see an event published while it was on its way. A lost
     * wake-up strands the event until the next publish, which never comes here (the producer waits for each event to
     * arrive before it publishes the next), or until the parked worker's keep-alive runs out, which is an hour here.
     */
    @Test
    void anEventPublishedWhileTheWorkerParksIsDelivered_oneProducer() throws Exception {
        DeliveryPool pool = new DeliveryPool("pool-test-park", 1, 0, HOUR);
        EventJournal journal = new EventJournal(64, pool);
        AtomicInteger received = new AtomicInteger();
        Delivery<Object> d = consumer(journal, e -> received.incrementAndGet(), new AtomicInteger());
        for (int e = 1; e <= 20_000; e++) {
            journal.publish(e);
            assertTrue(d.awaitDelivery(WAIT), "event " + e + " stranded");
            assertEquals(e, received.get());
        }
        d.stop();
    }

    @Test
    void eventsPublishedWhileWorkersParkAreDelivered_threeProducersTwoWorkersTwoJournals() throws Exception {
        DeliveryPool pool = new DeliveryPool("pool-test-park-many", 2, 0, HOUR);
        EventJournal[] journals = {new EventJournal(1 << 16, pool), new EventJournal(1 << 16, pool)};
        AtomicInteger[] received = {new AtomicInteger(), new AtomicInteger()};
        List<Delivery<Object>> consumers = new ArrayList<>();
        for (int j = 0; j < 2; j++) {
            AtomicInteger mine = received[j];
            consumers.add(consumer(journals[j], e -> mine.incrementAndGet(), new AtomicInteger()));
        }
        int perProducer = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int e = 0; e < perProducer; e++) {
                    journals[(id + e) & 1].publish(e);
                    if (e % 64 == 0) {
                        Thread.yield(); // let the workers run dry and park between bursts
                    }
                }
            });
            t.start();
            producers.add(t);
        }
        go.countDown();
        for (Thread t : producers) {
            t.join();
        }
        for (Delivery<Object> d : consumers) {
            assertTrue(d.awaitDelivery(WAIT), "events stranded");
        }
        assertEquals(3 * perProducer, received[0].get() + received[1].get());
        consumers.forEach(Delivery::stop);
    }

    /**
     * Consumers registered one after another while a producer publishes and the worker polls: each one receives a
     * gap-free run of events that starts at its registration (none published before it, as a consumer queued before
     * its cursor is set would get) and ends with the last event.
     */
    @Test
    void aConsumerRegisteredWhileEventsFlowStartsAtItsRegistration() throws Exception {
        DeliveryPool pool = new DeliveryPool("pool-test-register", 1);
        EventJournal journal = new EventJournal(1 << 16, pool);
        journal.publish(-1L); // so that a cursor of 0 would find an event that is not the consumer's
        AtomicBoolean stop = new AtomicBoolean();
        Thread producer = new Thread(() -> {
            long next = 0;
            long at = System.nanoTime();
            while (!stop.get()) {
                if (System.nanoTime() - at >= 2_000) {
                    at = System.nanoTime();
                    journal.publish(next++);
                }
            }
        });
        List<Delivery<Object>> consumers = new ArrayList<>();
        List<List<Object>> seen = new ArrayList<>();
        List<Long> registeredAt = new ArrayList<>();
        producer.start();
        try {
            for (int c = 0; c < 200; c++) {
                List<Object> mine = new ArrayList<>();
                seen.add(mine);
                registeredAt.add(journal.tail());
                Delivery<Object> d = new Delivery<>(journal, mine::add, missed -> "overflow", () -> { }, "late " + c);
                d.start();
                consumers.add(d);
                LockSupport.parkNanos(100_000);
            }
            long enough = journal.tail() + 100; // every consumer gets some events
            while (journal.tail() < enough) {
                Thread.onSpinWait();
            }
        } finally {
            stop.set(true);
            producer.join();
        }
        long last = journal.tail() - 2; // the producer's last value: sequence 0 holds -1
        for (int c = 0; c < consumers.size(); c++) {
            assertTrue(consumers.get(c).awaitDelivery(WAIT));
            List<Object> mine = seen.get(c);
            assertFalse(mine.contains("overflow"), "consumer " + c + " was cut off");
            assertFalse(mine.isEmpty(), "consumer " + c + " received nothing");
            long first = (Long) mine.get(0);
            assertTrue(first + 1 >= registeredAt.get(c),
                    "consumer " + c + " registered at " + registeredAt.get(c) + " received " + first);
            for (int k = 0; k < mine.size(); k++) {
                assertEquals(first + k, (long) (Long) mine.get(k), "consumer " + c + ": a gap or a repeat");
            }
            assertEquals(last, (long) (Long) mine.get(mine.size() - 1));
        }
        consumers.forEach(Delivery::stop);
    }

    @Test
    void aCallbackThatNeverReturnsIsLeftToItsThreadWhileAReplacementServesTheOthers() throws Exception {
        DeliveryPool pool = new DeliveryPool("pool-test-b", 1);
        EventJournal journal = new EventJournal(1024, pool);
        AtomicInteger ends = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> stuckThread = new AtomicReference<>();
        List<Object> stuckSeen = new CopyOnWriteArrayList<>();
        Delivery<Object> stuck = consumer(journal, e -> {
            stuckSeen.add(e);
            stuckThread.compareAndSet(null, Thread.currentThread());
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, ends);
        List<Object> freeSeen = new CopyOnWriteArrayList<>();
        Delivery<Object> free = consumer(journal, freeSeen::add, ends);
        for (int e = 0; e < 100; e++) {
            journal.publish(e);
        }
        // with one worker, the free consumer gets its events only because the stuck worker is replaced
        assertTrue(free.awaitDelivery(WAIT));
        assertEquals(upTo(100), freeSeen);
        await().atMost(WAIT).until(() -> stuckThread.get() != null
                && stuckThread.get().getName().contains("retired"));
        assertEquals(List.of(0), stuckSeen);
        release.countDown();
        // released, the stuck consumer goes on in order, and the retired thread ends
        assertTrue(stuck.awaitDelivery(WAIT));
        assertEquals(upTo(100), stuckSeen);
        await().atMost(WAIT).until(() -> !stuckThread.get().isAlive());
        stuck.stop();
        free.stop();
        await().atMost(WAIT).until(() -> pool.threads() == 0 && ends.get() == 2);
    }

    @Test
    void workersEndWhenIdleAndComeBackForTheNextEvent() throws Exception {
        DeliveryPool pool = new DeliveryPool("pool-test-c", 1);
        EventJournal journal = new EventJournal(64, pool);
        List<Object> seen = new CopyOnWriteArrayList<>();
        Delivery<Object> d = consumer(journal, seen::add, new AtomicInteger());
        journal.publish("first");
        assertTrue(d.awaitDelivery(WAIT));
        assertTrue(pool.threads() <= 1);
        // idle past the keep-alive: no thread is kept, the consumer stays subscribed
        await().atMost(WAIT).until(() -> pool.threads() == 0);
        assertTrue(d.isActive());
        journal.publish("second");
        assertTrue(d.awaitDelivery(WAIT));
        assertEquals(List.of("first", "second"), seen);
        d.stop();
        assertFalse(d.isActive());
    }

    @Test
    void aCallbackWaitingForAnotherConsumerOnTheOnlyWorkerIsNotADeadlock() throws Exception {
        DeliveryPool pool = new DeliveryPool("pool-test-d", 1);
        EventJournal journal = new EventJournal(64, pool);
        AtomicInteger ends = new AtomicInteger();
        List<Object> otherSeen = new CopyOnWriteArrayList<>();
        AtomicReference<Delivery<Object>> other = new AtomicReference<>();
        AtomicReference<Boolean> waited = new AtomicReference<>();
        Delivery<Object> waiting = consumer(journal, e -> {
            try {
                waited.set(other.get().awaitDelivery(WAIT));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, ends);
        other.set(consumer(journal, otherSeen::add, ends));
        journal.publish("x");
        await().atMost(WAIT).until(() -> waited.get() != null);
        assertTrue(waited.get());
        assertEquals(List.of("x"), otherSeen);
        waiting.stop();
        other.get().stop();
    }

    @Test
    void awaitDeliveryFromTheConsumersOwnCallbackIsRefused() throws Exception {
        DeliveryPool pool = new DeliveryPool("pool-test-e", 1);
        EventJournal journal = new EventJournal(64, pool);
        AtomicReference<Delivery<Object>> self = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        self.set(consumer(journal, e -> {
            thrown.set(assertThrows(IllegalStateException.class, () -> self.get().awaitDelivery(WAIT)));
            done.countDown();
        }, new AtomicInteger()));
        journal.publish("x");
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertTrue(thrown.get().getMessage().contains("own callback"));
        self.get().stop();
    }

    @Test
    void aMemoryWithAHundredSubscribersRunsThemOnAtMostItsPoolSize() throws Exception {
        try (SharedMemory memory = ProofPlugins.memory(Clock.systemUTC())) {
            memory.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            DeliveryPool pool = ((Engine) memory).deliveryPool();
            List<Subscription> subs = new ArrayList<>();
            AtomicInteger delivered = new AtomicInteger();
            for (int i = 0; i < 100; i++) {
                subs.add(memory.subscribe("ns", "reader-" + i, (ChangeEvent e) -> delivered.incrementAndGet()));
            }
            int most = 0;
            for (int w = 0; w < 500; w++) {
                assertTrue(memory.write("ns", "k" + (w % 10), w, "writer").isWritten());
                most = Math.max(most, pool.threads());
            }
            for (Subscription s : subs) {
                assertTrue(s.awaitDelivery(WAIT));
            }
            assertEquals(100 * 500, delivered.get());
            assertTrue(most <= pool.maxWorkers(), most + " delivery threads for a pool of " + pool.maxWorkers());
            subs.forEach(Subscription::unsubscribe);
            // an idle subscription ends inside unsubscribe, one still held by a worker right after
            await().atMost(WAIT).until(() -> memory.getStats().subscriptions() == 0 && pool.threads() == 0);
        }
    }
}
