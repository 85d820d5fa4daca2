package io.sharedmemory.eventadmin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.sharedmemory.api.EventType;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.Registration;
import io.sharedmemory.api.SharedMemory;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

class EventAdminBridge_PostingTest {
    @Test
    @SuppressWarnings("unchecked")
    void everyEventTypeIsPostedOnItsTopicAndTheRegistrationsAreRemovedOnDeactivate() {
        SharedMemory memory = mock(SharedMemory.class);
        EventAdmin eventAdmin = mock(EventAdmin.class);
        Map<EventType, Consumer<MemoryEvent>> listeners = new EnumMap<>(EventType.class);
        Registration registration = mock(Registration.class);
        when(memory.on(any(), any())).thenAnswer(inv -> {
            listeners.put(inv.getArgument(0), inv.getArgument(1));
            return registration;
        });

        EventAdminBridge bridge = new EventAdminBridge(eventAdmin, memory);
        assertEquals(EventType.values().length, listeners.size());

        listeners.get(EventType.MEMORY_WRITE).accept(new MemoryEvent(EventType.MEMORY_WRITE, "tasks", "t1", "planner",
                Map.of("a", 1), null, Instant.ofEpochMilli(42)));
        ArgumentCaptor<Event> posted = ArgumentCaptor.forClass(Event.class);
        verify(eventAdmin).postEvent(posted.capture());
        Event e = posted.getValue();
        assertEquals("io/sharedmemory/memory/write", e.getTopic());
        assertEquals("tasks", e.getProperty("namespace"));
        assertEquals("t1", e.getProperty("key"));
        assertEquals("planner", e.getProperty("agentId"));
        assertEquals(Map.of("a", 1), e.getProperty("value"));
        assertEquals(42L, e.getProperty("timestamp"));
        assertEquals("memory:write", e.getProperty("type"));
        assertFalse(e.containsProperty("reason"));

        bridge.deactivate();
        verify(registration, times(EventType.values().length)).remove();
        verify(memory, times(EventType.values().length)).on(any(), any());
        verify(eventAdmin, times(1)).postEvent(eq(e));
    }

    @Test
    void aListenerCutOffForFallingBehindListensAgainUntilDeactivated() {
        SharedMemory memory = mock(SharedMemory.class);
        EventAdmin eventAdmin = mock(EventAdmin.class);
        Map<EventType, Consumer<MemoryEvent>> listeners = new EnumMap<>(EventType.class);
        when(memory.on(any(), any())).thenAnswer(inv -> {
            listeners.put(inv.getArgument(0), inv.getArgument(1));
            return mock(Registration.class);
        });
        EventAdminBridge bridge = new EventAdminBridge(eventAdmin, memory);
        MemoryEvent overflow = new MemoryEvent(EventType.MEMORY_READ, null, null, "system", 12_000L,
                MemoryEvent.LISTENER_OVERFLOW, Instant.ofEpochMilli(7));

        listeners.get(EventType.MEMORY_READ).accept(overflow);
        verify(memory, times(2)).on(eq(EventType.MEMORY_READ), any());
        verify(eventAdmin).postEvent(any());

        bridge.deactivate();
        listeners.get(EventType.MEMORY_READ).accept(overflow);
        verify(memory, times(2)).on(eq(EventType.MEMORY_READ), any());
    }
}
