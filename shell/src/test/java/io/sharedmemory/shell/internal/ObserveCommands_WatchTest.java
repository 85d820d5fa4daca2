package io.sharedmemory.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.Subscription;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ObserveCommands_WatchTest {
    private final SharedMemory memory = mock(SharedMemory.class);
    private final ObserveCommands commands = new ObserveCommands(null, new MemoryCommands(memory));

    @Test
    @SuppressWarnings("unchecked")
    void printsEachChangeFromAnotherThreadAndEndsTheSubscription() throws Exception {
        AtomicReference<Consumer<ChangeEvent>> callback = new AtomicReference<>();
        Subscription subscription = mock(Subscription.class);
        when(subscription.isActive()).thenReturn(true);
        when(memory.subscribe(eq("tasks"), eq("operator"), any())).thenAnswer(inv -> {
            callback.set(inv.getArgument(2));
            return subscription;
        });
        Thread writer = new Thread(() -> {
            while (callback.get() == null) {
                Thread.onSpinWait();
            }
            callback.get().accept(new ChangeEvent("tasks", "t1", Map.of("a", 1), "planner", ChangeAction.WRITE, 1,
                    Instant.EPOCH));
            callback.get().accept(new ChangeEvent("tasks", "t1", null, "planner", ChangeAction.DELETE, 0,
                    Instant.EPOCH));
        });
        writer.start();

        PrintingSession shell = new PrintingSession();
        String printed = shell.answer(() -> commands.watch(shell.session, "operator", "2", "30", "tasks"));
        writer.join();

        assertTrue(printed.endsWith("Stopped watching tasks after 2 events"), printed);
        assertTrue(printed.contains("1970-01-01T00:00:00Z write t1 by planner v1 {\"a\":1}"), printed);
        assertTrue(printed.contains("1970-01-01T00:00:00Z delete t1 by planner"), printed);
        verify(subscription).close();
    }

    @Test
    void aRefusedSubscriptionIsOneLine() {
        when(memory.subscribe(eq("secret"), eq("operator"), any()))
                .thenThrow(new AccessDeniedException("Insufficient permissions"));
        PrintingSession shell = new PrintingSession();
        assertEquals("Refused: Insufficient permissions",
                shell.answer(() -> commands.watch(shell.session, "operator", "0", "1", "secret")));
    }
}
