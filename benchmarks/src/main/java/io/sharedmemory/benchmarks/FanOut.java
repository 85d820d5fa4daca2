package io.sharedmemory.benchmarks;

import static io.sharedmemory.benchmarks.Fixtures.AGENT;
import static io.sharedmemory.benchmarks.Fixtures.KEY;
import static io.sharedmemory.benchmarks.Fixtures.KEYS;
import static io.sharedmemory.benchmarks.Fixtures.NAMESPACE;
import static io.sharedmemory.benchmarks.Fixtures.VALUE;

import com.hazelcast.map.listener.EntryUpdatedListener;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Workload 5: one writer, 0 / 1 / 10 / 100 subscribers. One operation is a burst of {@value #BURST} latest-wins writes
 * followed by waiting until every subscriber has received all of them ({@link Subscription#awaitDelivery}) — a burst
 * far below the listener queue capacity (10 000), so an honest subscriber is never cut off; OVERFLOW events are counted
 * anyway, and an overflowed subscriber is re-subscribed before the next iteration.
 *
 * <p>Reported: the primary score is end-to-end writes per second (writes delivered to everybody); {@code deliveries}
 * is callback invocations per second; {@code writerNanos} / {@code writes} give the writer's own throughput (time
 * spent inside the write calls only), compared with the 0-subscriber variant.
 *
 * <p>The {@code hazelcast-imap} subject uses one IMap entry listener (value included) per subscriber and waits by
 * polling the delivery counters; the ConcurrentHashMap has no subscriptions and is left out.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.XMS, Jvm.XMX, Jvm.PRETOUCH, Jvm.HZ1, Jvm.HZ2, Jvm.HZ3, Jvm.HZ4, Jvm.HZ5, Jvm.HZ6})
public class FanOut {
    static final int BURST = 1000;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Param({Subject.ENGINE, Subject.IMAP})
    public String subject;

    @Param({"0", "1", "10", "100"})
    public int subscribers;

    private Subject s;
    private final List<Counter> counters = new ArrayList<>();
    private long lastDelivered;
    private long lastOverflows;
    private long written;
    /** Index of the value each key holds now: every write stores a different value, so that it is a real change
     *  (Hazelcast fires no update event for a value equal to the stored one). Touched by the one writer only. */
    private final int[] current = new int[KEYS];

    /**
     * One subscriber's counts. An engine subscription's callback never runs concurrently with itself, so a volatile
     * field written by its one delivery thread is enough; a Hazelcast entry listener is called from several event
     * threads at once (striped by key), so it counts with an AtomicLong.
     */
    static final class Counter {
        volatile long delivered;
        volatile long overflows;
        final AtomicLong hzDelivered = new AtomicLong();
        Subscription subscription;
        UUID listenerId;

        long delivered() {
            return delivered + hzDelivered.get();
        }

        void reset() {
            delivered = 0;
            hzDelivered.set(0);
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Deliveries {
        public long deliveries;

        @Setup(Level.Iteration)
        public void reset() {
            deliveries = 0;
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class WriterTime {
        public long writerNanos;
        public long writes;
        public long overflows;

        @Setup(Level.Iteration)
        public void reset() {
            writerNanos = 0;
            writes = 0;
            overflows = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        s = Subject.create(subject, SharedMemoryOptions.DEFAULT_MAX_LOG_SIZE);
        s.preload();
        for (int i = 0; i < KEYS; i++) {
            current[i] = i;
        }
        for (int i = 0; i < subscribers; i++) {
            Counter c = new Counter();
            counters.add(c);
            subscribe(c);
        }
    }

    private void subscribe(Counter c) {
        if (s instanceof EngineSubject e) {
            c.subscription = e.memory.subscribe(NAMESPACE, AGENT, ev -> {
                if (ev.action() == ChangeAction.OVERFLOW) {
                    c.overflows++;
                } else {
                    c.delivered++;
                }
            });
        } else if (s instanceof HazelcastSubject h) {
            c.listenerId = h.map.addEntryListener(
                    (EntryUpdatedListener<String, Map<String, Object>>) ev -> c.hzDelivered.incrementAndGet(), true);
        } else {
            throw new IllegalStateException(subject + " has no subscriptions");
        }
    }

    /** Re-subscribes whoever was cut off by an overflow (counted), and forgets what it missed. */
    @Setup(Level.Iteration)
    public void resubscribe() {
        for (Counter c : counters) {
            if (c.subscription != null && !c.subscription.isActive()) {
                subscribe(c);
            }
        }
        for (Counter c : counters) {
            c.reset(); // no event is in flight between iterations: every burst ended with awaitAll()
        }
        written = 0;
        lastDelivered = 0;
        lastOverflows = overflows();
    }

    /** Every subscriber that was not cut off received every write of the iteration, no more, no less. */
    @TearDown(Level.Iteration)
    public void checkDelivered() {
        for (Counter c : counters) {
            boolean cutOff = c.subscription != null && !c.subscription.isActive();
            if (!cutOff && c.delivered() != written) {
                throw new IllegalStateException("a subscriber received " + c.delivered() + " of " + written
                        + " events");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Counter c : counters) {
            if (c.subscription != null) {
                c.subscription.unsubscribe();
            }
        }
        s.close();
    }

    private long delivered() {
        long sum = 0;
        for (Counter c : counters) {
            sum += c.delivered();
        }
        return sum;
    }

    private long overflows() {
        long sum = 0;
        for (Counter c : counters) {
            sum += c.overflows;
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst(Workloads.Rand r, Deliveries d, WriterTime w, CpuMeter cpu, Blackhole bh)
            throws InterruptedException {
        long t0 = System.nanoTime();
        for (int i = 0; i < BURST; i++) {
            int k = r.rng.next(KEYS);
            int v = (current[k] + 1 + r.rng.next(KEYS - 1)) % KEYS;
            current[k] = v;
            bh.consume(s.write(KEY[k], VALUE.get(v)));
        }
        w.writerNanos += System.nanoTime() - t0;
        w.writes += BURST;
        written += BURST;
        awaitAll();
        long del = delivered();
        d.deliveries += del - lastDelivered;
        lastDelivered = del;
        long ovf = overflows();
        w.overflows += ovf - lastOverflows;
        lastOverflows = ovf;
    }

    private void awaitAll() throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (Counter c : counters) {
            if (c.subscription != null) {
                if (!c.subscription.awaitDelivery(TIMEOUT)) {
                    throw new IllegalStateException("a subscriber did not receive its events within " + TIMEOUT);
                }
            } else {
                // Hazelcast: no awaitDelivery; every listener must see every update of this iteration
                while (c.hzDelivered.get() < written) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("an IMap listener received " + c.hzDelivered.get() + " of "
                                + written + " events within " + TIMEOUT);
                    }
                    LockSupport.parkNanos(20_000);
                }
            }
        }
    }
}
