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
 * One thread records four entries into a log of capacity 2 — its own ring of three one-entry chunks, so entry 4 takes
 * the place of entry 1 — while another queries the whole window. Every field of entry n is derived from n. The query
 * must return whole entries, consecutive and oldest first: r1 = the first, r2 = the last (0, 0 when none; -1 when an
 * entry is torn or the run has a gap or is out of order).
 */
@JCStressTest
@Outcome(id = {"0, 0", "1, 1", "2, 2", "3, 3", "4, 4"}, expect = Expect.ACCEPTABLE,
        desc = "nothing, or one whole entry (an older one may be dropped while its place is taken)")
@Outcome(id = {"1, 2", "2, 3", "3, 4"}, expect = Expect.ACCEPTABLE, desc = "two whole, consecutive entries")
@Outcome(id = {"-1, .*", ".*, -1"}, expect = Expect.FORBIDDEN, desc = "a torn entry, a gap or a wrong order")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class AccessLogTornWindow {
    private final InMemoryAccessLog log = new InMemoryAccessLog(2);

    @Actor
    public void recorder() {
        for (int n = 1; n <= 4; n++) {
            log.record(entry(n), n);
        }
    }

    @Actor
    public void reader(II_Result r) {
        List<AccessLogEntry> seen = log.query(AccessLogQuery.all());
        if (seen.isEmpty()) {
            return;
        }
        int first = whole(seen.get(0), 4);
        int last = first;
        for (int i = 1; i < seen.size() && last > 0; i++) {
            int n = whole(seen.get(i), 4);
            last = n == last + 1 ? n : -1;
        }
        r.r1 = first;
        r.r2 = last;
    }
}
