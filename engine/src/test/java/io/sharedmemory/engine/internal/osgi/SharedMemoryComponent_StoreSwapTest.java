package io.sharedmemory.engine.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.Registration;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.engine.internal.store.InMemoryStore;
import io.sharedmemory.spi.AgentAuthenticator;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import io.sharedmemory.spi.Resolution;
import io.sharedmemory.store.MemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine on a store service that goes away and comes back (its bundle stopped and started): while it is absent
 * every operation is refused; when it is back a new engine serves, with the operator's declarations applied again, the
 * listeners registered before still receiving events, and the sessions of the old engine ended (their token opens a
 * new one).
 */
class SharedMemoryComponent_StoreSwapTest {
    private final SharedMemoryComponent component = new SharedMemoryComponent();

    private static Map<String, Object> props(long id) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.id", id);
        p.put("service.ranking", 0);
        p.put(MemoryStore.NAME_PROPERTY, "kept");
        return p;
    }

    @AfterEach
    void deactivate() {
        component.deactivate();
    }

    @Test
    void declarationsListenersAndSessions_acrossAStoreThatGoesAndComesBack() throws Exception {
        PermissionProvider provider = mock(PermissionProvider.class);
        when(provider.permission(any(), any(), any())).thenReturn(Permission.ADMIN);
        ConflictStrategy latest = mock(ConflictStrategy.class);
        when(latest.name()).thenReturn(NamespaceConfig.LATEST_WINS);
        when(latest.resolve(any(), any(), any())).thenReturn(Resolution.accept());
        AgentAuthenticator auth = c -> Optional.of(new AgentAuthenticator.Identity("alice",
                Instant.now().plusSeconds(60), "token-alice"));
        component.addPermissionProvider(provider, Map.of("service.id", 1L));
        component.addStrategy(latest, Map.of("service.id", 2L));
        component.addAuthenticator(auth, Map.of("service.id", 3L));
        Map<String, Object> config = new HashMap<>(SharedMemoryComponent_PropertiesTest.config(100, 0, 10_000,
                false, "trusted"));
        config.put("store", "kept");
        component.activate(config);
        assertEquals(WriteResult.Status.STORE_UNAVAILABLE, component.write("ns", "k", 1, "a").status());

        // declared and listened to before any store is there
        component.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        List<MemoryEvent> writes = new CopyOnWriteArrayList<>();
        Registration listener = component.on(EventType.MEMORY_WRITE, writes::add);
        assertTrue(listener.isActive());

        MemoryStore first = new InMemoryStore();
        component.addStore(first, props(10));
        assertTrue(component.getNamespaces().contains("ns"), "the declaration applied when the engine started");
        assertTrue(component.write("ns", "k", 1, "a").isWritten());
        AgentSession session = component.session(Credentials.token("token-alice"));
        assertTrue(session.isOpen());

        component.removeStore(first, props(10));
        assertEquals(WriteResult.Status.STORE_UNAVAILABLE, component.write("ns", "k", 2, "a").status());
        assertFalse(session.isOpen(), "a session ends with its engine");
        assertEquals(WriteResult.Status.DENIED, session.write("ns", "k", 3).status());
        assertTrue(listener.isActive(), "a listener waits for the next engine");

        component.addStore(new InMemoryStore(), props(11));
        assertEquals(Optional.of(Permission.WRITE), component.getNamespaceConfig("ns").map(
                NamespaceConfig::defaultPermission), "the declaration applied to the new engine");
        assertTrue(component.write("ns", "k", 4, "a").isWritten());
        AgentSession again = component.session(Credentials.token(session.token()));
        assertTrue(again.write("ns", "k", 5).isWritten());
        assertTrue(listener.awaitDelivery(Duration.ofSeconds(5)));
        assertEquals(List.of(1, 4, 5), writes.stream().map(MemoryEvent::value).toList(),
                "the listener received the writes of both engines");
        listener.remove();
        assertFalse(listener.isActive());
    }
}
