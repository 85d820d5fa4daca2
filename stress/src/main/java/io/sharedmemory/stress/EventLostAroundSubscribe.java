package io.sharedmemory.stress;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.Subscription;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JI_Result;

/**
 * A writer writes a key twice (versions 1 and 2) while another agent subscribes and then reads the key's version r.
 * Every version above r was committed after subscribe returned, so it must be delivered; and what is delivered is a
 * gap-free suffix of the writes. r1 = r, r2 = bit mask of the delivered versions (bit 0: v1, bit 1: v2).
 */
@JCStressTest
@Outcome(id = {"0, 3", "1, 2", "1, 3", "2, 0", "2, 2", "2, 3"}, expect = Expect.ACCEPTABLE,
        desc = "every change committed after subscribe returned is delivered, in order, without gaps")
@Outcome(expect = Expect.FORBIDDEN, desc = "a change committed after subscribe returned was lost, or a gap")
@State
public class EventLostAroundSubscribe {
    private final SharedMemory memory = Memories.create();
    private volatile Subscription subscription;
    private volatile int delivered;

    @Actor
    public void writer() {
        memory.write(Memories.NS, "k", 1, "writer");
        memory.write(Memories.NS, "k", 2, "writer");
    }

    @Actor
    public void subscriber(JI_Result r) {
        subscription = memory.subscribe(Memories.NS, "reader", e -> {
            if (e.action() == ChangeAction.WRITE) {
                delivered |= 1 << (e.version() - 1);
            }
        });
        r.r1 = memory.readEntry(Memories.NS, "k", "reader").map(e -> e.version()).orElse(0L);
    }

    @Arbiter
    public void check(JI_Result r) {
        try {
            subscription.awaitDelivery(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        r.r2 = delivered;
        memory.destroy();
    }
}
