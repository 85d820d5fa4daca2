package io.sharedmemory.engine.internal.events;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/** A subscriber of one namespace: a {@link Delivery} of the namespace's journal. */
public final class NamespaceSubscription implements Subscription {
    private final String namespace;
    private final String agentId;
    private final boolean viaSession;
    private final Delivery<ChangeEvent> delivery;

    /**
     * @param onEnd run once when the subscription ends, whatever ends it
     */
    public NamespaceSubscription(String namespace, String agentId, boolean viaSession, EventJournal journal,
                                 Consumer<ChangeEvent> callback, Clock clock, String name,
                                 java.util.function.Consumer<NamespaceSubscription> onEnd) {
        this.namespace = namespace;
        this.agentId = agentId;
        this.viaSession = viaSession;
        this.delivery = new Delivery<>(journal, callback,
                missed -> new ChangeEvent(namespace, null, missed, SharedMemory.SYSTEM_AGENT, ChangeAction.OVERFLOW, 0,
                        clock.instant()),
                () -> onEnd.accept(this), name);
    }

    /** Under the namespace's exclusive gate: from now on every committed change is delivered. */
    public void register() {
        delivery.register();
    }

    /** @return whether an authenticated session made it (else a bare agent id) */
    public boolean viaSession() {
        return viaSession;
    }

    /** Ends the subscription because its agent may no longer read the namespace, or no longer act at all. */
    public void revoke() {
        delivery.stop();
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public String agentId() {
        return agentId;
    }

    @Override
    public boolean isActive() {
        return delivery.isActive();
    }

    @Override
    public void unsubscribe() {
        delivery.stop();
    }

    @Override
    public boolean awaitDelivery(Duration timeout) throws InterruptedException {
        return delivery.awaitDelivery(timeout);
    }

    @Override
    public String toString() {
        return "Subscription[" + namespace + ", " + agentId + (delivery.isActive() ? ", active]" : ", ended]");
    }
}
