package io.sharedmemory.engine.internal;

import io.sharedmemory.api.Subscription;
import io.sharedmemory.engine.internal.events.NamespaceSubscription;
import io.sharedmemory.store.MemoryStore;
import java.time.Duration;

/**
 * A subscription of a memory whose store is shared with other processes: as its delivery, except that
 * {@link #awaitDelivery} first waits for the store to report the changes this process committed before the call
 * (they come back from the member that committed them), then for their delivery.
 */
final class SharedSubscription implements Subscription {
    private final NamespaceSubscription delivery;
    private final MemoryStore store;

    SharedSubscription(NamespaceSubscription delivery, MemoryStore store) {
        this.delivery = delivery;
        this.store = store;
    }

    @Override
    public String namespace() {
        return delivery.namespace();
    }

    @Override
    public String agentId() {
        return delivery.agentId();
    }

    @Override
    public boolean isActive() {
        return delivery.isActive();
    }

    @Override
    public void unsubscribe() {
        delivery.unsubscribe();
    }

    @Override
    public boolean awaitDelivery(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        delivery.awaitDelivery(Duration.ZERO); // refuses a call from the subscription's own callback
        if (delivery.isActive() && !store.awaitReported(delivery.namespace(), timeout)) {
            return false;
        }
        return delivery.awaitDelivery(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    @Override
    public String toString() {
        return delivery.toString();
    }
}
