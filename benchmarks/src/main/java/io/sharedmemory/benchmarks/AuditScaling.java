package io.sharedmemory.benchmarks;

import static io.sharedmemory.benchmarks.Fixtures.KEY;
import static io.sharedmemory.benchmarks.Fixtures.KEYS;
import static io.sharedmemory.benchmarks.Fixtures.VALUE;

import java.util.concurrent.TimeUnit;
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

/**
 * Workload 4: engine latest-wins writes with an in-memory access log of 1 000, 100 000 and 1 000 000 entries. The log
 * is filled to capacity before measuring, so every measured write also evicts the oldest entry.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.XMS, Jvm.XMX, Jvm.PRETOUCH, Jvm.HZ1, Jvm.HZ2, Jvm.HZ3, Jvm.HZ4, Jvm.HZ5, Jvm.HZ6})
public class AuditScaling {
    @Param({"1000", "100000", "1000000"})
    public int maxLogSize;

    private EngineSubject s;

    @Setup(Level.Trial)
    public void setUp() {
        s = new EngineSubject(maxLogSize);
        s.preload();
        for (int i = 0; i < maxLogSize; i++) {
            EngineSubject.check(s.memory.write(Fixtures.NAMESPACE, KEY[i % KEYS], VALUE.get(i % KEYS), Fixtures.AGENT));
        }
        long logged = s.memory.getAccessLog().size();
        if (logged != maxLogSize) {
            throw new IllegalStateException("access log holds " + logged + " entries, expected " + maxLogSize);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        s.close();
    }

    @Benchmark
    public Object write(Workloads.Rand r, CpuMeter cpu) {
        return s.write(KEY[r.rng.next(KEYS)], VALUE.get(r.rng.next(KEYS)));
    }
}
