package io.sharedmemory.engine.internal.events;

import io.sharedmemory.api.EventType;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.Registration;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The {@code on(type, listener)} side of events: one journal per event type, created when the first listener of that
 * type registers, so that an event nobody listens to costs one array read.
 */
public final class EventHub {
    private final AtomicReferenceArray<EventJournal> journals = new AtomicReferenceArray<>(EventType.values().length);
    private final Set<Delivery<MemoryEvent>> deliveries = ConcurrentHashMap.newKeySet();
    private final AtomicInteger listenerIds = new AtomicInteger();
    private final DeliveryPool pool;
    private final java.time.Clock clock;

    /**
     * @param clock stamps the overflow notices (the memory's clock, so that a test's injected one rules them too)
     */
    public EventHub(DeliveryPool pool, java.time.Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    /** @return the journal of the type when someone listens, else null */
    public EventJournal listened(EventType type) {
        EventJournal j = journals.get(type.ordinal());
        return j != null && j.hasConsumers() ? j : null;
    }

    public void publish(EventType type, String namespace, String key, String agentId, Object value, String reason,
                 long nowMillis) {
        EventJournal j = listened(type);
        if (j != null) {
            j.publish(new MemoryEvent(type, namespace, key, agentId, value, reason, j.instant(nowMillis)));
        }
    }

    public Registration register(EventType type, Consumer<MemoryEvent> listener, int queueCapacity) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(listener, "listener");
        EventJournal j = journals.get(type.ordinal());
        if (j == null) {
            journals.compareAndSet(type.ordinal(), null, new EventJournal(queueCapacity, pool));
            j = journals.get(type.ordinal());
        }
        Delivery<MemoryEvent>[] self = newArray();
        Delivery<MemoryEvent> d = new Delivery<>(j, listener,
                missed -> new MemoryEvent(type, null, null, io.sharedmemory.api.SharedMemory.SYSTEM_AGENT, missed,
                        MemoryEvent.LISTENER_OVERFLOW, clock.instant()),
                () -> deliveries.remove(self[0]),
                "listener " + listenerIds.incrementAndGet() + " of " + type.topic());
        self[0] = d;
        deliveries.add(d);
        d.start();
        return new Registration() {
            @Override
            public EventType type() {
                return type;
            }

            @Override
            public boolean isActive() {
                return d.isActive();
            }

            @Override
            public void remove() {
                d.stop();
            }

            @Override
            public boolean awaitDelivery(Duration timeout) throws InterruptedException {
                return d.awaitDelivery(timeout);
            }

            @Override
            public String toString() {
                return "Registration[" + type.topic() + (d.isActive() ? ", active]" : ", ended]");
            }
        };
    }

    public int listeners() {
        return deliveries.size();
    }

    public void stopAll() {
        for (Delivery<MemoryEvent> d : deliveries) {
            d.stop();
        }
    }

    @SuppressWarnings("unchecked")
    private static Delivery<MemoryEvent>[] newArray() {
        return new Delivery[1];
    }
}
