package io.sharedmemory.engine.internal.events;

import io.sharedmemory.engine.internal.EngineLogCapture;
import io.sharedmemory.engine.internal.ProofPlugins;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.Registration;
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
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One consumer's life on the pool, step by step and without races to wait for: cut-off and its one notice, stop
 * interrupting a blocked callback, timeouts, the journal's and the pool's bookkeeping (parked workers, released slots,
 * capacity), what gets logged, and the handles the API returns.
 */
class DeliveryBehaviourTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private EngineLogCapture capture;
    private List<LogRecord> logged;

    @BeforeEach
    void captureLog() {
        capture = EngineLogCapture.open();
        logged = capture.records();
    }

    @AfterEach
    void releaseLog() {
        capture.close();
    }

    private List<String> messagesAbout(String name) {
        List<String> out = new ArrayList<>();
        for (LogRecord r : logged) {
            String text = java.text.MessageFormat.format(r.getMessage(), r.getParameters() == null
                    ? new Object[0] : r.getParameters());
            if (text.contains(name)) {
                out.add(r.getLevel() + " " + text);
            }
        }
        return out;
    }

    @Test
    void theJournalRoundsItsCapacityUpToAPowerOfTwoWithRoomForBatchedProgress() {
        DeliveryPool pool = new DeliveryPool("capacity", 1);
        assertEquals(64, new EventJournal(1, pool).capacity());
        assertEquals(64, new EventJournal(16, pool).capacity());
        assertEquals(64, new EventJournal(32, pool).capacity());
        assertEquals(128, new EventJournal(33, pool).capacity());
        assertEquals(2048, new EventJournal(1000, pool).capacity());
        assertEquals(16384, new EventJournal(10_000, pool).capacity());
    }

    @Test
    void aConsumerStuckInItsCallbackIsCutOffAWholeRingBehindAndToldOnceWhenItReturns() throws Exception {
        DeliveryPool pool = new DeliveryPool("cut-off", 1);
        EventJournal journal = new EventJournal(16, pool);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        List<Object> seen = new CopyOnWriteArrayList<>();
        AtomicInteger ends = new AtomicInteger();
        Delivery<Object> d = new Delivery<>(journal, e -> {
            seen.add(e);
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, missed -> "overflow:" + missed, ends::incrementAndGet, "stuck consumer");
        d.start();
        journal.publish("first");
        assertTrue(entered.await(30, TimeUnit.SECONDS));
        int capacity = journal.capacity();
        for (int i = 1; i <= 2 * capacity; i++) {
            journal.publish("e" + i);
        }
        assertFalse(d.isActive(), "cut off while still inside its callback");
        assertEquals(0, journal.consumerCount());
        assertFalse(d.awaitDelivery(Duration.ofMillis(50)), "not ended before its callback returns");
        release.countDown();
        assertTrue(d.awaitDelivery(WAIT));
        await().atMost(WAIT).until(() -> ends.get() == 1);
        assertEquals(2, seen.size(), seen::toString);
        assertEquals("first", seen.get(0));
        String notice = (String) seen.get(1);
        long missed = Long.parseLong(notice.substring("overflow:".length()));
        assertTrue(missed >= capacity && missed <= 2L * capacity, notice);
        assertTrue(messagesAbout("stuck consumer").stream().anyMatch(m -> m.startsWith("WARNING")
                && m.contains("fell " + missed + " events behind and was cut off")), logged::toString);
        journal.publish("after");
        Thread.sleep(20);
        assertEquals(2, seen.size(), "nothing after the notice");
        assertEquals(1, ends.get());
    }

    @Test
    void stopInterruptsACallbackBlockedOnAnotherThreadAndEndsTheConsumer() throws Exception {
        DeliveryPool pool = new DeliveryPool("stop", 1);
        EventJournal journal = new EventJournal(16, pool);
        CountDownLatch entered = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicInteger ends = new AtomicInteger();
        Delivery<Object> d = new Delivery<>(journal, e -> {
            entered.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException ex) {
                interrupted.set(true);
            }
        }, missed -> "overflow", ends::incrementAndGet, "blocked consumer");
        d.start();
        journal.publish("x");
        assertTrue(entered.await(30, TimeUnit.SECONDS));
        assertEquals(1, journal.consumerCount());
        d.stop();
        assertFalse(d.isActive());
        assertEquals(0, journal.consumerCount(), "stop leaves the journal at once");
        await().atMost(WAIT).until(() -> interrupted.get() && ends.get() == 1);
        assertTrue(d.awaitDelivery(Duration.ofMillis(1)));
    }

    @Test
    void awaitDeliveryTimesOutWhileTheCallbackIsBusyAndSucceedsOnceItIsDone() throws Exception {
        DeliveryPool pool = new DeliveryPool("timeout", 1);
        EventJournal journal = new EventJournal(16, pool);
        CountDownLatch release = new CountDownLatch(1);
        Delivery<Object> d = new Delivery<>(journal, e -> {
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, missed -> "overflow", () -> { }, "busy consumer");
        d.start();
        journal.publish("x");
        long t0 = System.nanoTime();
        assertFalse(d.awaitDelivery(Duration.ofMillis(100)));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(100), "returned before its timeout");
        release.countDown();
        assertTrue(d.awaitDelivery(WAIT));
        d.stop();
    }

    @Test
    void workersParkWhenNothingIsPublished_andTheNextEventWakesOne() throws Exception {
        // keep-alive of an hour: a parked worker must still be there however slowly this test runs
        DeliveryPool pool = new DeliveryPool("park", 1, DeliveryPool.SPIN_NANOS, TimeUnit.HOURS.toNanos(1));
        EventJournal journal = new EventJournal(64, pool);
        List<Delivery<Object>> all = new ArrayList<>();
        List<AtomicInteger> counts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            AtomicInteger n = new AtomicInteger();
            Delivery<Object> d = new Delivery<>(journal, e -> n.incrementAndGet(), missed -> null, () -> { },
                    "parking " + i);
            d.start();
            all.add(d);
            counts.add(n);
        }
        assertEquals(0, pool.awakeWorkers(), "nothing published, no worker");
        for (int round = 1; round <= 3; round++) {
            for (int i = 0; i < 50; i++) {
                journal.publish(i);
            }
            for (Delivery<Object> d : all) {
                assertTrue(d.awaitDelivery(WAIT));
                // awaitDelivery returns once the last event is delivered, a moment before the turn ends: a consumer
                // that has caught up must then wait (idle), not stay queued
                await().atMost(WAIT).until(d::isIdle);
            }
            for (AtomicInteger n : counts) {
                assertEquals(50 * round, n.get());
            }
            await().atMost(WAIT).until(() -> pool.awakeWorkers() == 0); // parked: the next publish must wake it
            assertEquals(1, pool.threads(), "parked, not ended");
        }
        all.get(0).stop();
        journal.publish("after the stop");
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i).awaitDelivery(WAIT));
            assertEquals(151, counts.get(i).get());
        }
        assertEquals(150, counts.get(0).get(), "a stopped consumer gets nothing more");
        all.forEach(Delivery::stop);
    }

    @Test
    void whenTheLastConsumerLeavesTheRingLetsGoOfEveryEvent() {
        DeliveryPool pool = new DeliveryPool("release", 1);
        EventJournal journal = new EventJournal(16, pool);
        Delivery<Object> d = new Delivery<>(journal, e -> { }, missed -> null, () -> { }, "leaving");
        d.start();
        for (int i = 0; i < 40; i++) {
            journal.publish(new byte[16]);
        }
        d.stop();
        for (long s = 0; s < journal.capacity(); s++) {
            assertNull(journal.slot(s), "slot " + s + " still holds an event");
        }
    }

    @Test
    void aThrowingCallbackIsLoggedInFullOnceThenEveryThousandthTime() throws Exception {
        DeliveryPool pool = new DeliveryPool("throwing", 1);
        EventJournal journal = new EventJournal(4096, pool);
        AtomicInteger calls = new AtomicInteger();
        Delivery<Object> d = new Delivery<>(journal, e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("bug " + e);
        }, missed -> null, () -> { }, "throwing consumer");
        d.start();
        for (int i = 0; i < 2500; i++) {
            journal.publish(i);
        }
        assertTrue(d.awaitDelivery(WAIT));
        assertEquals(2500, calls.get(), "every event is delivered despite the failures");
        List<String> about = messagesAbout("throwing consumer");
        assertEquals(3, about.size(), about::toString);
        assertTrue(about.get(0).startsWith("WARNING throwing consumer: callback threw"), about.get(0));
        assertTrue(about.get(1).contains("has thrown 1,000 times") || about.get(1).contains("has thrown 1000 times"),
                about.get(1));
        assertTrue(about.get(2).contains("2,000") || about.get(2).contains("2000"), about.get(2));
        LogRecord first = logged.stream().filter(r -> r.getMessage().startsWith("throwing consumer"))
                .findFirst().orElseThrow();
        assertEquals("bug 0", first.getThrown().getMessage(), "the first failure is logged with its stack trace");
        d.stop();
    }

    @Test
    void aSlowConsumerGetsAThreadOfItsOwn_andAStuckOneIsNamedOnItsThread() throws Exception {
        DeliveryPool pool = new DeliveryPool("supervised", 1);
        EventJournal journal = new EventJournal(64, pool);
        List<Thread> slowThreads = new CopyOnWriteArrayList<>();
        Delivery<Object> slow = new Delivery<>(journal, e -> {
            slowThreads.add(Thread.currentThread());
            try {
                Thread.sleep(5); // a turn of 16 such calls waits for 80 ms: the pool's worker is held
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, missed -> null, () -> { }, "slow consumer");
        slow.start();
        for (int i = 0; i < 30; i++) {
            journal.publish(i);
        }
        assertTrue(slow.awaitDelivery(WAIT));
        assertEquals(30, slowThreads.size());
        assertEquals(1, slowThreads.stream().distinct().count(), "a slow consumer keeps the thread it holds");
        assertTrue(slowThreads.get(0).getName().contains("(retired: held by slow consumer)"),
                slowThreads.get(0).getName());
        assertTrue(slowThreads.get(0).isDaemon(), "delivery threads never keep the JVM alive");
        slow.stop();
        await().atMost(WAIT).until(() -> !slowThreads.get(0).isAlive());

        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> stuckOn = new AtomicReference<>();
        Delivery<Object> stuck = new Delivery<>(journal, e -> {
            stuckOn.set(Thread.currentThread());
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, missed -> null, () -> { }, "stuck consumer");
        stuck.start();
        journal.publish("x");
        await().atMost(WAIT).until(() -> stuckOn.get() != null && stuckOn.get().getName().contains("retired"));
        assertTrue(stuckOn.get().getName().contains("held by stuck consumer"), stuckOn.get()::getName);
        assertTrue(pool.threads() >= 1, "a retired thread is still the pool's until it ends");
        assertTrue(messagesAbout("stuck consumer").stream().anyMatch(m -> m.contains("has held a delivery thread for")),
                logged::toString);
        Thread supervisor = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("supervised-supervisor")).findFirst().orElseThrow();
        assertTrue(supervisor.isDaemon());
        release.countDown();
        stuck.stop();
        await().atMost(WAIT).until(() -> pool.threads() == 0 && !supervisor.isAlive());
    }

    @Test
    void subscriptionAndRegistrationHandlesDescribeThemselvesAndEnd() throws Exception {
        try (SharedMemory memory = ProofPlugins.memory(Clock.systemUTC())) {
            memory.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            List<ChangeEvent> changes = new CopyOnWriteArrayList<>();
            Subscription s = memory.subscribe("ns", "alice", changes::add);
            List<MemoryEvent> events = new CopyOnWriteArrayList<>();
            Registration r = memory.on(EventType.MEMORY_WRITE, events::add);
            assertEquals("ns", s.namespace());
            assertEquals("alice", s.agentId());
            assertEquals("Subscription[ns, alice, active]", s.toString());
            assertEquals(EventType.MEMORY_WRITE, r.type());
            assertEquals("Registration[" + EventType.MEMORY_WRITE.topic() + ", active]", r.toString());
            assertTrue(r.isActive());
            assertEquals(1, memory.getStats().subscriptions());
            assertEquals(1, memory.getStats().listeners());
            memory.write("ns", "k", 1, "alice");
            assertTrue(s.awaitDelivery(WAIT));
            assertTrue(r.awaitDelivery(WAIT));
            assertEquals(1, changes.size());
            assertEquals(1, events.size());
            s.unsubscribe();
            r.remove();
            assertFalse(s.isActive());
            assertFalse(r.isActive());
            assertEquals("Subscription[ns, alice, ended]", s.toString());
            assertEquals("Registration[" + EventType.MEMORY_WRITE.topic() + ", ended]", r.toString());
            // ended inside the call when idle, else by the worker that holds it, right after
            await().atMost(WAIT).until(() -> memory.getStats().subscriptions() == 0
                    && memory.getStats().listeners() == 0);
            memory.write("ns", "k", 2, "alice");
            Thread.sleep(20);
            assertEquals(1, changes.size(), "nothing after unsubscribe");
            assertEquals(1, events.size(), "nothing after remove");
        }
    }

    @Test
    void awaitDeliveryOfSubscriptionsAndRegistrationsReportsATimeout() throws Exception {
        try (SharedMemory memory = ProofPlugins.memory(Clock.systemUTC())) {
            memory.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            CountDownLatch release = new CountDownLatch(1);
            java.util.function.Consumer<Object> block = e -> {
                try {
                    release.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            };
            Subscription s = memory.subscribe("ns", "alice", block::accept);
            Registration r = memory.on(EventType.MEMORY_WRITE, block::accept);
            memory.write("ns", "k", 1, "alice");
            assertFalse(s.awaitDelivery(Duration.ofMillis(50)));
            assertFalse(r.awaitDelivery(Duration.ofMillis(50)));
            release.countDown();
            assertTrue(s.awaitDelivery(WAIT));
            assertTrue(r.awaitDelivery(WAIT));
        }
    }
}
