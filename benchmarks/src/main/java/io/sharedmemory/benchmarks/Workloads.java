package io.sharedmemory.benchmarks;

import static io.sharedmemory.benchmarks.Fixtures.CAS_KEYS;
import static io.sharedmemory.benchmarks.Fixtures.KEY;
import static io.sharedmemory.benchmarks.Fixtures.KEYS;
import static io.sharedmemory.benchmarks.Fixtures.PATCH;
import static io.sharedmemory.benchmarks.Fixtures.PATCHES;
import static io.sharedmemory.benchmarks.Fixtures.VALUE;

import io.sharedmemory.api.SharedMemoryOptions;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Workloads 1–3 on every subject: {@code read}, {@code write}, {@code merge} over {@value Fixtures#KEYS} keys and
 * {@code cas} on {@value Fixtures#CAS_KEYS} contended keys. The thread count (1, 2) comes from the runner. Every result
 * goes to a Blackhole (returned values are consumed by JMH); keys and values are drawn at random per operation from the
 * same fixtures for every subject; nothing is cached across operations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.XMS, Jvm.XMX, Jvm.PRETOUCH, Jvm.HZ1, Jvm.HZ2, Jvm.HZ3, Jvm.HZ4, Jvm.HZ5, Jvm.HZ6})
public class Workloads {
    @Param({Subject.ENGINE, Subject.CHM, Subject.IMAP, Subject.ENGINE_FILE, Subject.ENGINE_FILE_SYNC})
    public String subject;

    private Subject s;

    @Setup(Level.Trial)
    public void setUp() {
        s = Subject.create(subject, SharedMemoryOptions.DEFAULT_MAX_LOG_SIZE);
        s.preload();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        s.close();
    }

    /** Each thread's own random stream. */
    @State(Scope.Thread)
    public static class Rand {
        Fixtures.Rng rng;

        @Setup(Level.Trial)
        public void setUp() {
            rng = new Fixtures.Rng(System.nanoTime() ^ (Thread.currentThread().getId() * 0x9E3779B97F4A7C15L));
        }
    }

    /** Retries of the cas workload, reported next to its score (per second; retries per op = retries / score). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class CasRetries {
        public long retries;

        @Setup(Level.Iteration)
        public void reset() {
            retries = 0;
        }
    }

    @Benchmark
    public Object read(Rand r, CpuMeter cpu) {
        Object v = s.read(KEY[r.rng.next(KEYS)]);
        if (v == null) {
            throw new IllegalStateException(subject + " lost a key");
        }
        return v;
    }

    @Benchmark
    public Object write(Rand r, CpuMeter cpu) {
        return s.write(KEY[r.rng.next(KEYS)], VALUE.get(r.rng.next(KEYS)));
    }

    @Benchmark
    public Object merge(Rand r, CpuMeter cpu) {
        return s.merge(KEY[r.rng.next(KEYS)], PATCH.get(r.rng.next(PATCHES)));
    }

    /** One successful compare-and-set per operation, however many attempts it takes. */
    @Benchmark
    public void cas(Rand r, CasRetries c, CpuMeter cpu, Blackhole bh) {
        String key = KEY[r.rng.next(CAS_KEYS)];
        var value = VALUE.get(r.rng.next(KEYS));
        while (!s.casAttempt(key, value, bh)) {
            c.retries++;
        }
    }
}
