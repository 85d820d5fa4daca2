package io.sharedmemory.osgitests;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** Memory and namespace events reach ordinary Event Admin handlers on io/sharedmemory/... topics. */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class EventAdmin_BridgeTest {
    private static final String NS = "eventadmin-it";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    SharedMemory memory;

    @Test
    void writesAndNamespaceEventsArePostedToEventAdmin() throws Exception {
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, "io/sharedmemory/*");
        props.put(EventConstants.EVENT_FILTER, "(namespace=" + NS + ")");
        ServiceRegistration<EventHandler> reg = context.registerService(EventHandler.class, events::add, props);
        try {
            memory.createNamespace(NS, NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            assertEquals(WriteResult.Status.WRITTEN,
                    memory.write(NS, "greeting", Map.of("text", "hello"), "agent-e").status());

            List<Event> seen = new ArrayList<>();
            Event created = await(events, seen, "io/sharedmemory/namespace/created");
            assertEquals("namespace:created", created.getProperty("type"));
            Event write = await(events, seen, "io/sharedmemory/memory/write");
            assertEquals("greeting", write.getProperty("key"));
            assertEquals("agent-e", write.getProperty("agentId"));
            assertEquals(Map.of("text", "hello"), write.getProperty("value"));
            assertNotNull(write.getProperty("timestamp"));
        } finally {
            reg.unregister();
        }
    }

    /** Each event type has its own delivery queue in the engine: events of different types arrive in any order. */
    private static Event await(BlockingQueue<Event> events, List<Event> seen, String topic)
            throws InterruptedException {
        long deadline = System.nanoTime() + SECONDS.toNanos(30);
        while (true) {
            for (Event e : seen) {
                if (topic.equals(e.getTopic())) {
                    return e;
                }
            }
            long left = deadline - System.nanoTime();
            Event e = left > 0 ? events.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS) : null;
            assertNotNull(e, () -> "no event on " + topic + " within 30 s; received: "
                    + seen.stream().map(Event::getTopic).toList());
            seen.add(e);
        }
    }
}
