package io.sharedmemory.engine.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.spi.AccessLog;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import io.sharedmemory.spi.Resolution;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The DS component built by hand, as SCR would: references bound with their service properties, config applied. */
class SharedMemoryComponent_WiringTest {
    private final SharedMemoryComponent component = new SharedMemoryComponent();
    private final PermissionProvider provider = mock(PermissionProvider.class);
    private final AccessLog log = mock(AccessLog.class);

    static Map<String, Object> config(int maxLogSize, String identity) {
        return SharedMemoryComponent_PropertiesTest.config(maxLogSize, 0, 10_000, false, identity);
    }

    static Map<String, Object> config(int maxLogSize, String identity, String store) {
        Map<String, Object> c = config(maxLogSize, identity);
        c.put("store", store);
        return c;
    }

    private static ConflictStrategy strategy(String name, Resolution decision) {
        ConflictStrategy s = mock(ConflictStrategy.class);
        when(s.name()).thenReturn(name);
        when(s.resolve(any(MemoryEntry.class), any(MemoryEntry.class), any())).thenReturn(decision);
        return s;
    }

    private static Map<String, Object> props(long id, int ranking, Object... more) {
        Map<String, Object> p = new java.util.HashMap<>();
        p.put("service.id", id);
        p.put("service.ranking", ranking);
        p.put("service.bundleid", 7L);
        for (int i = 0; i < more.length; i += 2) {
            p.put((String) more[i], more[i + 1]);
        }
        return p;
    }

    @BeforeEach
    void activate() {
        when(provider.permission(any(), any(), any())).thenReturn(Permission.ADMIN);
        component.addPermissionProvider(provider, props(1, 0));
        component.addAuditSink(log, props(2, 0));
        component.activate(config(500, "trusted"));
        component.createNamespace("ns", NamespaceConfig.defaults());
    }

    @AfterEach
    void deactivate() {
        component.deactivate();
    }

    @Test
    void strategiesAreNamedByPropertyAndRanked() {
        ConflictStrategy rejecting = strategy("ignored-name", Resolution.reject("no"));
        ConflictStrategy accepting = strategy("latest-wins", Resolution.accept());
        component.addStrategy(accepting, props(3, 0));
        component.addStrategy(rejecting, props(4, 10, ConflictStrategy.NAME_PROPERTY, "latest-wins"));
        component.write("ns", "k", 1, "a");
        assertEquals(WriteResult.Status.REJECTED, component.write("ns", "k", 2, "a").status());
        component.removeStrategy(rejecting);
        assertTrue(component.write("ns", "k", 3, "a").isWritten());
        component.removeStrategy(accepting);
        assertEquals(WriteResult.Status.STRATEGY_UNAVAILABLE, component.write("ns", "k", 4, "a").status());
        assertTrue(component.describePlugins().stream().anyMatch(l -> l.contains("bundle 7")),
                component.describePlugins()::toString);
    }

    @Test
    void configurationChangesApplyWithoutRestart() {
        verify(log).capacity(500);
        component.modified(config(42, "authenticated"));
        verify(log).capacity(42);
        assertEquals(IdentityMode.AUTHENTICATED, component.identityMode());
        assertEquals(WriteResult.Status.DENIED, component.write("ns", "k", 1, "a").status());
    }

    @Test
    void namespacesDeclaredBeforeTheStoreArrived_areDeclaredOnItsEngine() {
        component.modified(config(500, "trusted", "later"));
        NamespaceConfig late = NamespaceConfig.builder().maxEntries(7).build();
        component.createNamespace("late", late);
        assertTrue(component.getNamespaceConfig("late").isEmpty(), "no engine serves while the store is absent");
        component.addStore(new io.sharedmemory.engine.internal.store.InMemoryStore(),
                props(9, 0, io.sharedmemory.store.MemoryStore.NAME_PROPERTY, "later"));
        assertEquals(late, component.getNamespaceConfig("late").orElseThrow(), "declared once the store came");
        assertTrue(component.getNamespaceConfig("ns").isPresent(), "and so is what was declared on the old store");
    }

    @Test
    void clientsCannotDestroyTheService() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, component::destroy);
        assertTrue(e.getMessage().contains("bundle"));
        assertTrue(component.getNamespaceConfig("ns").isPresent());
    }
}
