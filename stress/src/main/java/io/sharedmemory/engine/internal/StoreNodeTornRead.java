package io.sharedmemory.engine.internal;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.engine.internal.store.SegmentedEntryStore;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.EntryTable;
import java.util.Map;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * A stored key's node is updated in place, from "early" (expires at 100) to "late" (expires at 200), while another
 * thread reads the key's value at 150: the node's value and expiry must come from one entry. In this package because
 * the store is the engine's internal class.
 */
@JCStressTest
@Outcome(id = "EXPIRED", expect = Expect.ACCEPTABLE, desc = "the early entry, expired at 150")
@Outcome(id = "late", expect = Expect.ACCEPTABLE, desc = "the late entry, live at 150")
@Outcome(id = "early", expect = Expect.FORBIDDEN, desc = "the early value with the late expiry: a torn node")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class StoreNodeTornRead {
    private static final MemoryEntry EARLY = MemoryEntry.of("early", "a", 1L, 1, Map.of(), 100);
    private static final MemoryEntry LATE = MemoryEntry.of("late", "a", 1L, 2, Map.of(), 200);

    private final SegmentedEntryStore store = new SegmentedEntryStore(0, 2);

    public StoreNodeTornRead() {
        store.apply("k", cur -> Decision.put(EARLY), null);
    }

    @Actor
    public void writer() {
        store.apply("k", cur -> Decision.put(LATE), null);
    }

    @Actor
    public void reader(L_Result r) {
        Object v = store.liveValue("k", 150);
        r.r1 = v == EntryTable.EXPIRED ? "EXPIRED" : v;
    }
}
