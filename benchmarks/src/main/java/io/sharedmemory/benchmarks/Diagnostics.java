package io.sharedmemory.benchmarks;

import static io.sharedmemory.benchmarks.Fixtures.AGENT;
import static io.sharedmemory.benchmarks.Fixtures.KEY;
import static io.sharedmemory.benchmarks.Fixtures.KEYS;
import static io.sharedmemory.benchmarks.Fixtures.NAMESPACE;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
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
 * Not part of the suite (benchmarks/run never runs it): engine read and write with one cost taken away, to see where the
 * time goes. {@code default} is the suite's engine; {@code no-audit} is the same engine with no audit sink installed
 * (ServiceLoader off, the strategies and permission provider given explicitly); {@code engine-values} writes values
 * the engine itself returned, which it does not copy again (so the difference to {@code default} is the snapshot).
 *
 * <pre>java -cp … org.openjdk.jmh.Main Diagnostics -p variant=default,no-audit,engine-values</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.XMS, Jvm.XMX, Jvm.PRETOUCH, Jvm.HZ1, Jvm.HZ2, Jvm.HZ3, Jvm.HZ4, Jvm.HZ5, Jvm.HZ6})
public class Diagnostics {
    @Param({"default", "no-audit", "engine-values"})
    public String variant;

    private SharedMemory memory;
    private final Object[] values = new Object[KEYS];

    @Setup(Level.Trial)
    public void setUp() {
        SharedMemoryOptions.Builder options = SharedMemoryOptions.builder();
        if (variant.equals("no-audit")) {
            options.serviceLoader(false);
            ServiceLoader.load(ConflictStrategy.class).forEach(options::plugin);
            ServiceLoader.load(PermissionProvider.class).forEach(options::plugin);
        }
        memory = SharedMemory.create(options.build());
        memory.createNamespace(NAMESPACE, NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        for (int i = 0; i < KEYS; i++) {
            EngineSubject.check(memory.write(NAMESPACE, KEY[i], Fixtures.VALUE.get(i), AGENT));
        }
        List<Object> stored = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            stored.add(memory.read(NAMESPACE, KEY[i], AGENT));
        }
        for (int i = 0; i < KEYS; i++) {
            values[i] = variant.equals("engine-values") ? stored.get(i) : Fixtures.VALUE.get(i);
        }
        boolean audited = !memory.getAccessLog().isEmpty();
        if (audited == variant.equals("no-audit")) {
            throw new IllegalStateException(variant + ": access log " + (audited ? "on" : "off"));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        memory.close();
    }

    @Benchmark
    public Object read(Workloads.Rand r, CpuMeter cpu) {
        return memory.read(NAMESPACE, KEY[r.rng.next(KEYS)], AGENT);
    }

    @Benchmark
    public Object write(Workloads.Rand r, CpuMeter cpu) {
        return memory.write(NAMESPACE, KEY[r.rng.next(KEYS)], values[r.rng.next(KEYS)], AGENT);
    }
}
