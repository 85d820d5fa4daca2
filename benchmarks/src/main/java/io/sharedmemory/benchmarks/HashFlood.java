package io.sharedmemory.benchmarks;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hash-flooding case of the hardening issue: the time to write 16 384 keys of one {@code String.hashCode} (made of
 * "Aa"/"BB" blocks) into a fresh namespace with {@code maxEntries} 16 384 and one subscriber, against 16 384 ordinary
 * keys of the same length. With chained bins the colliding keys took 1.6 s (quadratic); with tree bins they cost a
 * small constant factor more than ordinary ones.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {Jvm.XMS, Jvm.XMX, Jvm.PRETOUCH})
public class HashFlood {
    private static final int BLOCKS = 14;

    @Param({"colliding", "ordinary"})
    public String keys;

    private List<String> names;
    private SharedMemory memory;
    private int round;
    private String namespace;

    @Setup(Level.Trial)
    public void setUp() {
        names = keys.equals("colliding") ? colliding() : ordinary();
        memory = SharedMemory.create(SharedMemoryOptions.builder().maxLogSize(1000).build());
    }

    /** 2^14 keys of one hash code. */
    static List<String> colliding() {
        List<String> out = new ArrayList<>(List.of(""));
        for (int b = 0; b < BLOCKS; b++) {
            List<String> next = new ArrayList<>(out.size() * 2);
            for (String k : out) {
                next.add(k + "Aa");
                next.add(k + "BB");
            }
            out = next;
        }
        return out;
    }

    /** As many keys of the same length, with ordinary hash codes. */
    static List<String> ordinary() {
        List<String> out = new ArrayList<>(1 << BLOCKS);
        for (int i = 0; i < 1 << BLOCKS; i++) {
            out.add(String.format("key-%024d", i));
        }
        return out;
    }

    @Setup(Level.Invocation)
    public void freshNamespace() {
        if (namespace != null) {
            memory.deleteNamespace(namespace, Fixtures.AGENT);
        }
        namespace = "flood-" + round++;
        memory.createNamespace(namespace, NamespaceConfig.builder().defaultPermission(Permission.ADMIN)
                .maxEntries(names.size()).build());
        memory.subscribe(namespace, "watcher", e -> { });
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        memory.close();
    }

    @Benchmark
    public int write16384() {
        int written = 0;
        for (String k : names) {
            if (memory.write(namespace, k, 1, Fixtures.AGENT).isWritten()) {
                written++;
            }
        }
        if (written != names.size()) {
            throw new IllegalStateException(written + " of " + names.size() + " written");
        }
        return written;
    }
}
