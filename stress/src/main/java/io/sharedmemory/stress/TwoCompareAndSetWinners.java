package io.sharedmemory.stress;

import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteOptions;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZJ_Result;

/** Two writers compare-and-set the same key from the same version: exactly one wins, and the key moves one version. */
@JCStressTest
@Outcome(id = {"true, false, 2", "false, true, 2"}, expect = Expect.ACCEPTABLE, desc = "one winner")
@Outcome(id = "true, true, .*", expect = Expect.FORBIDDEN, desc = "two compare-and-set winners")
@Outcome(expect = Expect.FORBIDDEN, desc = "no winner, or a version that is not +1")
@State
public class TwoCompareAndSetWinners {
    private static final WriteOptions AT_1 = WriteOptions.builder().expectedVersion(1).build();
    private final SharedMemory memory = Memories.create();

    public TwoCompareAndSetWinners() {
        memory.write(Memories.NS, "k", 0, "w0");
    }

    @Actor
    public void first(ZZJ_Result r) {
        r.r1 = memory.write(Memories.NS, "k", 1, "w1", AT_1).isWritten();
    }

    @Actor
    public void second(ZZJ_Result r) {
        r.r2 = memory.write(Memories.NS, "k", 2, "w2", AT_1).isWritten();
    }

    @Arbiter
    public void version(ZZJ_Result r) {
        r.r3 = memory.readEntry(Memories.NS, "k", "w0").map(e -> e.version()).orElse(-1L);
        memory.destroy();
    }
}
