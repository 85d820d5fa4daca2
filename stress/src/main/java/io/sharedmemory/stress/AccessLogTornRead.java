package io.sharedmemory.stress;

import static io.sharedmemory.stress.NumberedEntries.entry;
import static io.sharedmemory.stress.NumberedEntries.whole;

import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.audit.internal.InMemoryAccessLog;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * One thread records three entries into a log of capacity 1 — its own ring of two one-entry chunks, written with plain
 * stores, the third entry's chunk taking the first one's place — while another queries. Every field of entry n is
 * derived from n, so a query that mixed two entries is caught. r1 = the entry the query returned (0 when none, -1
 * when torn), r2 = how many it returned.
 */
@JCStressTest
@Outcome(id = {"0, 0", "1, 1", "2, 1", "3, 1"}, expect = Expect.ACCEPTABLE,
        desc = "nothing yet, or exactly one whole entry")
@Outcome(id = "-1, .*", expect = Expect.FORBIDDEN, desc = "an entry made of the fields of two")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class AccessLogTornRead {
    private final InMemoryAccessLog log = new InMemoryAccessLog(1);

    @Actor
    public void recorder() {
        for (int n = 1; n <= 3; n++) {
            log.record(entry(n), n);
        }
    }

    @Actor
    public void reader(II_Result r) {
        List<AccessLogEntry> seen = log.query(AccessLogQuery.all());
        r.r2 = seen.size();
        r.r1 = seen.isEmpty() ? 0 : whole(seen.get(seen.size() - 1), 3);
    }
}
