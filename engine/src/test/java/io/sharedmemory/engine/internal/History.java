package io.sharedmemory.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs many threads against one memory and records what each operation returned, in each thread's order, so that a
 * checker can compare the whole history with what the guarantees allow.
 */
public final class History {
    private History() {
    }

    /** One recorded operation. */
    record Op(int thread, int seq, String kind, String key, long expected, Object value, Object result) {
    }

    /** What one thread does for its {@code seq}-th operation; returns the recorded op. */
    @FunctionalInterface
    interface Step {
        Op run(int thread, int seq, ThreadLocalRandom random);
    }

    /** Runs {@code threads × ops} steps, all threads released at once; returns the history. */
    static List<Op> run(int threads, int ops, Step step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Op>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    List<Op> mine = new ArrayList<>(ops);
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int i = 0; i < ops; i++) {
                        mine.add(step.run(thread, i, r));
                    }
                    return mine;
                }));
            }
            start.countDown();
            List<Op> all = new ArrayList<>();
            for (Future<List<Op>> f : futures) {
                all.addAll(f.get(2, TimeUnit.MINUTES));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    static List<String> keys(int n) {
        List<String> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add("k" + i);
        }
        return keys;
    }

    static <T> Map<String, List<T>> byKey(List<T> items, Function<T, String> key) {
        return items.stream().collect(Collectors.groupingBy(key));
    }

    /** A subscriber that records everything it is given. */
    static final class Recorder implements AutoCloseable {
        final List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        final Subscription subscription;

        Recorder(SharedMemory memory, String namespace, String agent) {
            this.subscription = memory.subscribe(namespace, agent, events::add);
        }

        List<ChangeEvent> await() throws InterruptedException {
            assertTrue(subscription.awaitDelivery(Duration.ofMinutes(1)), "delivery did not finish");
            assertTrue(subscription.isActive(), "subscriber was cut off: " + tail());
            return List.copyOf(events);
        }

        private String tail() {
            return events.isEmpty() ? "nothing" : events.get(events.size() - 1).toString();
        }

        /** The WRITE events of one key, in the order delivered. */
        List<ChangeEvent> writesOf(String key) {
            return events.stream().filter(e -> e.action() == ChangeAction.WRITE && key.equals(e.key())).toList();
        }

        @Override
        public void close() {
            subscription.unsubscribe();
        }
    }

    /** Asserts that the versions are exactly 1..n in this order. */
    static void assertDense(List<Long> versions, String what) {
        for (int i = 0; i < versions.size(); i++) {
            assertEquals(i + 1, versions.get(i), () -> what + ": versions are not 1..n in order: " + versions);
        }
    }
}
