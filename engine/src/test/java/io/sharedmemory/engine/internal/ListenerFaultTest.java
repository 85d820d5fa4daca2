package io.sharedmemory.engine.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.engine.internal.History.Recorder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One subscriber that sleeps 10 s per event, one that throws on every event, one that blocks until interrupted, ten
 * normal ones and four writers. The normal (and the throwing) subscribers get every change in commit order with no
 * duplicate and no gap; the writers finish while the slow and the blocked subscriber are still stuck in their first
 * event; both are cut off while stuck, once a whole queue behind; the slow one, once its callback returns, is told with
 * a last {@code OVERFLOW} event; unsubscribing the blocked one releases its thread; afterwards no delivery thread is
 * left.
 *
 * <p>Writers are paced in rounds smaller than the queue so that the normal and the throwing subscribers (whose every
 * failure is logged, which is slow), on a loaded two-core machine, are never a whole queue behind: the pacing is the
 * test's, the write calls themselves never wait.
 */
@Tag("concurrency")
class ListenerFaultTest {
    static final int CAPACITY = 64;
    static final int WRITERS = 4;
    static final int ROUNDS = 12;
    static final int PER_ROUND = 6;
    static final Duration SLOW_CALLBACK = Duration.ofSeconds(10);
    static final String NS = "faults";

    /** The memory's delivery threads: its pool's workers, retired ones included, and their supervisor. */
    private static long deliveryThreads(SharedMemory memory) {
        String prefix = ((Engine) memory).deliveryPool().name() + "-";
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }

    @Test
    void faultySubscribersNeitherBlockWritersNorDisturbTheOthers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try (SharedMemory memory = SharedMemory.create(ProofPlugins.options(Clock.systemUTC())
                .listenerQueueCapacity(CAPACITY).build())) {
            memory.createNamespace(NS, NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            long baseline = deliveryThreads(memory);

            List<ChangeEvent> slowSeen = new CopyOnWriteArrayList<>();
            AtomicBoolean slowInCallback = new AtomicBoolean();
            AtomicReference<Thread> slowThread = new AtomicReference<>();
            Subscription slow = memory.subscribe(NS, "slow", e -> {
                slowSeen.add(e);
                slowThread.set(Thread.currentThread());
                if (e.action() != ChangeAction.OVERFLOW) {
                    slowInCallback.set(true);
                    try {
                        Thread.sleep(SLOW_CALLBACK.toMillis());
                    } catch (InterruptedException stop) {
                        Thread.currentThread().interrupt();
                    } finally {
                        slowInCallback.set(false);
                    }
                }
            });
            List<ChangeEvent> throwingSeen = new CopyOnWriteArrayList<>();
            Subscription throwing = memory.subscribe(NS, "throwing", e -> {
                throwingSeen.add(e);
                throw new ListenerBug();
            });
            List<ChangeEvent> blockedSeen = new CopyOnWriteArrayList<>();
            AtomicReference<Thread> blockedThread = new AtomicReference<>();
            CountDownLatch blockedEntered = new CountDownLatch(1);
            Subscription blocked = memory.subscribe(NS, "blocked", e -> {
                blockedSeen.add(e);
                blockedThread.set(Thread.currentThread());
                blockedEntered.countDown();
                try {
                    new CountDownLatch(1).await(); // forever, unless interrupted
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                }
            });
            List<Recorder> normal = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                normal.add(new Recorder(memory, NS, "normal-" + i));
            }

            AtomicLong slowestWriteNanos = new AtomicLong();
            List<Subscription> paced = new ArrayList<>();
            normal.forEach(r -> paced.add(r.subscription));
            paced.add(throwing);
            CyclicBarrier round = new CyclicBarrier(WRITERS, () -> {
                for (Subscription s : paced) {
                    try {
                        assertTrue(s.awaitDelivery(Duration.ofSeconds(30)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            List<Future<List<WriteResult>>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    List<WriteResult> results = new ArrayList<>();
                    for (int r = 0; r < ROUNDS; r++) {
                        round.await(1, TimeUnit.MINUTES);
                        for (int i = 0; i < PER_ROUND; i++) {
                            String key = (i & 1) == 0 ? "own-" + writer : "shared";
                            long t0 = System.nanoTime();
                            WriteResult res = memory.write(NS, key, List.of(writer, r, i), "writer-" + writer);
                            slowestWriteNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
                            assertTrue(res.isWritten(), res::toString);
                            results.add(res);
                        }
                    }
                    return results;
                }));
            }
            int total = 0;
            for (Future<List<WriteResult>> f : writers) {
                total += f.get(2, TimeUnit.MINUTES).size();
            }
            // the writers are done while the slow and the blocked subscriber are still inside their first event
            assertTrue(slowInCallback.get(), "the slow subscriber should still be asleep in its first event");
            assertEquals(1, slowSeen.size());
            assertTrue(blockedEntered.await(30, TimeUnit.SECONDS));
            assertEquals(1, blockedSeen.size());
            assertTrue(slowestWriteNanos.get() < TimeUnit.SECONDS.toNanos(2),
                    "a write waited " + slowestWriteNanos.get() / 1_000_000 + " ms");
            assertEquals(WRITERS * ROUNDS * PER_ROUND, total);
            assertTrue(total > 2 * CAPACITY, "the stuck subscribers must overflow their queue");

            List<ChangeEvent> reference = normal.get(0).await();
            assertEquals(total, reference.size(), "the first normal subscriber missed or repeated events");
            assertOrderedWithoutGapsOrDuplicates(reference);
            for (Recorder r : normal) {
                assertEquals(reference, r.await(), "normal subscribers saw different histories");
            }
            assertTrue(throwing.awaitDelivery(Duration.ofSeconds(30)));
            assertTrue(throwing.isActive(), "a throwing subscriber keeps its subscription");
            assertEquals(reference, throwingSeen, "the throwing subscriber missed events");

            // both stuck subscribers were cut off while stuck (the producer does not wait for them to return) ...
            assertFalse(slow.isActive(), "the sleeping subscriber is cut off once a whole queue behind");
            assertFalse(blocked.isActive(), "the blocked subscriber is cut off once a whole queue behind");
            // ... and the slow one, once its callback returns, is told: one last OVERFLOW, then nothing
            await().atMost(SLOW_CALLBACK.plusSeconds(30)).until(() -> slowSeen.size() >= 2);
            assertEquals(reference.get(0), slowSeen.get(0));
            ChangeEvent notice = slowSeen.get(1);
            assertEquals(ChangeAction.OVERFLOW, notice.action());
            assertEquals(SharedMemory.SYSTEM_AGENT, notice.agentId());
            assertNull(notice.key());
            long missed = (Long) notice.value();
            assertTrue(missed >= CAPACITY && missed <= total - 1, "missed count " + missed);
            // the worker stuck in the slow callback was retired (a replacement served the others) and has ended
            await().atMost(Duration.ofSeconds(30)).until(() -> !slowThread.get().isAlive());
            assertEquals(2, slowSeen.size(), slowSeen::toString);

            // the blocked one cannot be told (it never returns); unsubscribing interrupts it and ends its thread,
            // and it is not handed a notice after it asked to stop
            blocked.unsubscribe();
            await().atMost(Duration.ofSeconds(30)).until(() -> !blockedThread.get().isAlive());
            assertEquals(1, blockedSeen.size(), "nothing is delivered after unsubscribe returned");

            throwing.unsubscribe();
            normal.forEach(Recorder::close);
            // no consumer is left, so the pool's workers end at once, and their supervisor after them
            await().atMost(Duration.ofSeconds(30)).until(() -> deliveryThreads(memory) == baseline);
            assertEquals(0, baseline);
            assertEquals(0, memory.getStats().subscriptions());
            assertFalse(slow.isActive());
        } finally {
            pool.shutdownNow();
        }
    }

    /** What the throwing subscriber throws: without a stack trace, so that the log of each one stays one line. */
    static final class ListenerBug extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ListenerBug() {
            super("a listener bug, on purpose", null, false, false);
        }
    }

    /** Per key, the delivered versions are 1..n in order: every committed write once, in commit order. */
    private static void assertOrderedWithoutGapsOrDuplicates(List<ChangeEvent> events) {
        Set<String> keys = new HashSet<>();
        events.forEach(e -> keys.add(e.key()));
        for (String key : keys) {
            History.assertDense(events.stream().filter(e -> key.equals(e.key())).map(ChangeEvent::version).toList(),
                    "events of " + key);
        }
    }
}
