package io.sharedmemory.benchmarks;

import java.lang.management.ManagementFactory;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The CPU time the whole benchmark JVM used during each iteration (every thread: the benchmark threads, the subject's
 * own threads — Hazelcast's partition and event threads, the engine's delivery threads — GC and JIT), next to the wall
 * time. On a machine shared with other work, {@code opsPerSecond × wallNanos / cpuNanos} (operations per CPU-second)
 * is far steadier than the wall-clock score, because it does not count the time other processes held the cores.
 * Only the first benchmark thread measures, so the counts do not double with two threads.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuMeter {
    public long cpuNanos;
    public long wallNanos;

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private boolean leader;
    private long cpu0;
    private long wall0;

    @Setup(Level.Iteration)
    public void start(ThreadParams thread) {
        leader = thread.getThreadIndex() == 0;
        if (leader) {
            cpu0 = OS.getProcessCpuTime();
            wall0 = System.nanoTime();
        }
    }

    @TearDown(Level.Iteration)
    public void stop() {
        if (leader) {
            cpuNanos = OS.getProcessCpuTime() - cpu0;
            wallNanos = System.nanoTime() - wall0;
        }
    }
}
