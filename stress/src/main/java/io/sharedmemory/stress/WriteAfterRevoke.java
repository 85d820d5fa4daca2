package io.sharedmemory.stress;

import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteResult;
import java.util.Map;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JLL_Result;

/**
 * An admin revokes an agent's write permission and, after the revoke returned, reads the key's version; the agent
 * writes the key concurrently. A write may win only by committing before the revoke returned — so if the admin's read
 * after the revoke saw no entry, the write must have been refused. r1 = version the admin saw, r2 = write status,
 * r3 = final version.
 */
@JCStressTest
@Outcome(id = {"0, DENIED, 0", "1, WRITTEN, 1"}, expect = Expect.ACCEPTABLE,
        desc = "the write lost to the revoke, or committed before it returned")
@Outcome(id = "0, WRITTEN, .*", expect = Expect.FORBIDDEN,
        desc = "a write committed after the revoke that forbade it had returned")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class WriteAfterRevoke {
    private final SharedMemory memory = Memories.create();

    @Actor
    public void admin(JLL_Result r) {
        memory.updatePermissions(Memories.NS, Map.of("writer", Permission.READ), Memories.ADMIN);
        r.r1 = memory.readEntry(Memories.NS, "k", Memories.ADMIN).map(e -> e.version()).orElse(0L);
    }

    @Actor
    public void writer(JLL_Result r) {
        WriteResult w = memory.write(Memories.NS, "k", 1, "writer");
        r.r2 = w.status();
    }

    @Arbiter
    public void check(JLL_Result r) {
        r.r3 = memory.readEntry(Memories.NS, "k", Memories.ADMIN).map(e -> e.version()).orElse(0L);
        memory.destroy();
    }
}
