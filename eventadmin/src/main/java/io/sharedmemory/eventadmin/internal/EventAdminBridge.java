package io.sharedmemory.eventadmin.internal;

import io.sharedmemory.api.EventType;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.Registration;
import io.sharedmemory.api.SharedMemory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Posts every {@link MemoryEvent} to Event Admin, asynchronously, on {@link EventType#eventAdminTopic()} (for instance
 * {@code io/sharedmemory/memory/write}), so existing {@code EventHandler}s can react to the memory.
 *
 * <p>Event properties: {@value #TYPE} (the specification's name, {@code memory:write}), {@value #NAMESPACE},
 * {@value #KEY}, {@value #AGENT}, {@value #VALUE} (the immutable JSON-like value), {@value #REASON} and
 * {@value #TIMESTAMP} (epoch milliseconds, a {@code Long}); a property whose value is null is left out.
 *
 * <p>The listeners run on the engine's delivery threads, never on a writer's, and {@code postEvent} does not wait for
 * handlers. Both references are static and mandatory: without Event Admin (or without the engine) the component is not
 * satisfied and nothing is registered; when either is replaced, the component is deactivated — removing its
 * registrations — and activated again on the new pair. A listener the engine cuts off because Event Admin fell too far
 * behind (its last event, reason {@value MemoryEvent#LISTENER_OVERFLOW}, is posted too) is registered again.
 */
@Component(immediate = true, service = {})
public final class EventAdminBridge {
    static final String TYPE = "type";
    static final String NAMESPACE = "namespace";
    static final String KEY = "key";
    static final String AGENT = "agentId";
    static final String VALUE = "value";
    static final String REASON = "reason";
    static final String TIMESTAMP = "timestamp";

    private final EventAdmin eventAdmin;
    private final SharedMemory memory;
    private final Map<EventType, Registration> registrations = new ConcurrentHashMap<>();
    private volatile boolean active = true;

    @Activate
    public EventAdminBridge(@Reference EventAdmin eventAdmin, @Reference SharedMemory memory) {
        this.eventAdmin = eventAdmin;
        this.memory = memory;
        try {
            for (EventType type : EventType.values()) {
                listen(type);
            }
        } catch (RuntimeException e) {
            deactivate();
            throw e;
        }
    }

    private void listen(EventType type) {
        registrations.put(type, memory.on(type, e -> {
            eventAdmin.postEvent(toEvent(e));
            if (MemoryEvent.LISTENER_OVERFLOW.equals(e.reason())) {
                // Event Admin fell a whole queue behind and the engine cut this listener off (the event just posted
                // says so to handlers): listen again, so the bridge loses a burst, not the rest of the run
                relisten(type);
            }
        }));
    }

    private synchronized void relisten(EventType type) {
        if (active) {
            listen(type);
        }
    }

    @Deactivate
    void deactivate() {
        active = false;
        List<Registration> removed;
        synchronized (this) {
            removed = new ArrayList<>(registrations.values());
            registrations.clear();
        }
        // outside the lock: a listener thread may be waiting for it in relisten()
        removed.forEach(Registration::remove);
    }

    static Event toEvent(MemoryEvent e) {
        Map<String, Object> p = new HashMap<>();
        p.put(TYPE, e.type().topic());
        put(p, NAMESPACE, e.namespace());
        put(p, KEY, e.key());
        put(p, AGENT, e.agentId());
        put(p, VALUE, e.value());
        put(p, REASON, e.reason());
        p.put(TIMESTAMP, e.timestamp().toEpochMilli());
        return new Event(e.type().eventAdminTopic(), p);
    }

    private static void put(Map<String, Object> p, String key, Object value) {
        if (value != null) {
            p.put(key, value);
        }
    }
}
