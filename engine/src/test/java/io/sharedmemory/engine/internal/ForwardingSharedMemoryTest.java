package io.sharedmemory.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.MemoryStats;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.Registration;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Every call reaches the delegate with its arguments unchanged, and the delegate's answer comes back unchanged. */
class ForwardingSharedMemoryTest {
    private final SharedMemory target = mock(SharedMemory.class);
    private final SharedMemory forwarding = new ForwardingSharedMemory() {
        @Override
        protected SharedMemory delegate() {
            return target;
        }

        @Override
        public void destroy() {
        }
    };

    @Test
    void namespaceCalls() {
        NamespaceConfig config = NamespaceConfig.builder().maxEntries(3).build();
        forwarding.createNamespace("a");
        verify(target).createNamespace("a");
        forwarding.createNamespace("b", config);
        verify(target).createNamespace("b", config);
        when(target.getNamespaceConfig("b")).thenReturn(Optional.of(config));
        assertEquals(Optional.of(config), forwarding.getNamespaceConfig("b"));
        when(target.getNamespaces()).thenReturn(List.of("a", "b"));
        assertEquals(List.of("a", "b"), forwarding.getNamespaces());
        when(target.clearNamespace("a", "x")).thenReturn(true);
        assertEquals(true, forwarding.clearNamespace("a", "x"));
        when(target.deleteNamespace("b", "y")).thenReturn(true);
        assertEquals(true, forwarding.deleteNamespace("b", "y"));
        Map<String, Permission> perms = Map.of("z", Permission.READ);
        when(target.updatePermissions("a", perms, "x")).thenReturn(true);
        assertEquals(true, forwarding.updatePermissions("a", perms, "x"));
        verify(target).getNamespaceConfig("b");
        verify(target).getNamespaces();
        verify(target).clearNamespace("a", "x");
        verify(target).deleteNamespace("b", "y");
        verify(target).updatePermissions("a", perms, "x");
        verifyNoMoreInteractions(target);
    }

    @Test
    void entryCalls() {
        WriteResult written = WriteResult.written(4);
        WriteOptions options = WriteOptions.builder().expectedVersion(3).build();
        when(target.write("n", "k", 1, "a")).thenReturn(written);
        assertSame(written, forwarding.write("n", "k", 1, "a"));
        WriteResult other = WriteResult.written(5);
        when(target.write("n", "k", 2, "a", options)).thenReturn(other);
        assertSame(other, forwarding.write("n", "k", 2, "a", options));
        when(target.read("n", "k", "a")).thenReturn("v");
        assertEquals("v", forwarding.<String>read("n", "k", "a"));
        MemoryEntry entry = MemoryEntry.of("v", "a", 1L, 1, Map.of(), MemoryEntry.NO_EXPIRY);
        when(target.readEntry("n", "k", "a")).thenReturn(Optional.of(entry));
        assertEquals(Optional.of(entry), forwarding.readEntry("n", "k", "a"));
        when(target.delete("n", "k", "a")).thenReturn(true);
        assertEquals(true, forwarding.delete("n", "k", "a"));
        when(target.getKeys("n", "a")).thenReturn(List.of("k"));
        assertEquals(List.of("k"), forwarding.getKeys("n", "a"));
        when(target.getAll("n", "a")).thenReturn(Map.of("k", "v"));
        assertEquals(Map.of("k", "v"), forwarding.getAll("n", "a"));
        when(target.cleanupExpired()).thenReturn(7);
        assertEquals(7, forwarding.cleanupExpired());
        verify(target).delete("n", "k", "a");
    }

    @Test
    void refusalsComeBackAsRefusals() {
        when(target.delete("n", "k", "a")).thenReturn(false);
        when(target.clearNamespace("n", "a")).thenReturn(false);
        when(target.deleteNamespace("n", "a")).thenReturn(false);
        when(target.updatePermissions("n", Map.of(), "a")).thenReturn(false);
        assertEquals(false, forwarding.delete("n", "k", "a"));
        assertEquals(false, forwarding.clearNamespace("n", "a"));
        assertEquals(false, forwarding.deleteNamespace("n", "a"));
        assertEquals(false, forwarding.updatePermissions("n", Map.of(), "a"));
    }

    @Test
    void eventsLogsStatsAndIdentity() {
        Consumer<ChangeEvent> callback = e -> { };
        Subscription sub = mock(Subscription.class);
        when(target.subscribe("n", "a", callback)).thenReturn(sub);
        assertSame(sub, forwarding.subscribe("n", "a", callback));
        forwarding.broadcast("n", "m", "a");
        verify(target).broadcast("n", "m", "a");
        Consumer<MemoryEvent> listener = e -> { };
        Registration reg = mock(Registration.class);
        when(target.on(EventType.MEMORY_READ, listener)).thenReturn(reg);
        assertSame(reg, forwarding.on(EventType.MEMORY_READ, listener));
        List<AccessLogEntry> all = List.of(new AccessLogEntry(1L, "a", io.sharedmemory.api.AccessAction.READ, "n",
                "k", true, null));
        when(target.getAccessLog()).thenReturn(all);
        assertSame(all, forwarding.getAccessLog());
        AccessLogQuery q = AccessLogQuery.builder().agentId("a").build();
        List<AccessLogEntry> some = List.of();
        when(target.getAccessLog(q)).thenReturn(some);
        assertSame(some, forwarding.getAccessLog(q));
        MemoryStats stats = new MemoryStats(1, 2, 3, 4, 5, 6, List.of());
        when(target.getStats()).thenReturn(stats);
        assertSame(stats, forwarding.getStats());
        Credentials c = Credentials.token("t");
        AgentSession session = mock(AgentSession.class);
        when(target.session(c)).thenReturn(session);
        assertSame(session, forwarding.session(c));
        when(target.identityMode()).thenReturn(IdentityMode.AUTHENTICATED);
        assertEquals(IdentityMode.AUTHENTICATED, forwarding.identityMode());
    }
}
