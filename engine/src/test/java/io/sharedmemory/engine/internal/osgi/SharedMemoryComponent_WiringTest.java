package io.sharedmemory.engine.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.engine.internal.store.InMemoryStore;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.StoreContext;
import io.sharedmemory.store.StoreException;
import io.sharedmemory.spi.AccessLog;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import io.sharedmemory.spi.Resolution;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.mockito.AdditionalAnswers;
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

    /**
     * A store that is present but cannot be opened yet (its directory held by another process) is opened again, 1 s
     * then 2 s later: every operation is refused, with the reason, until it opens; then the engine serves on it, the
     * namespaces declared meanwhile included.
     */
    @Test
    void aStoreThatCannotBeOpenedYet_isOpenedAgainLater_andThenServes() {
        InMemoryStore real = new InMemoryStore();
        AtomicInteger opens = new AtomicInteger();
        MemoryStore held = mock(MemoryStore.class, AdditionalAnswers.delegatesTo(real));
        doReturn("held").when(held).name();
        doAnswer(call -> {
            if (opens.incrementAndGet() <= 2) {
                throw new StoreException("its directory is held by process 42");
            }
            return real.open(call.getArgument(0, StoreContext.class));
        }).when(held).open(any());
        component.addStrategy(strategy("latest-wins", Resolution.accept()), props(3, 0));
        component.addStore(held, props(9, 0, MemoryStore.NAME_PROPERTY, "held"));
        component.modified(config(500, "trusted", "held"));

        WriteResult refused = component.write("ns", "k", 1, "a");
        assertEquals(WriteResult.Status.STORE_UNAVAILABLE, refused.status());
        assertTrue(refused.message().contains("could not be opened: its directory is held by process 42"),
                refused.message());
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            WriteResult written = component.write("ns", "k", 1, "a");
            assertEquals(WriteResult.Status.WRITTEN, written.status(), written.message());
        });
        assertEquals(3, opens.get(), "opened on the third attempt, and not again");
        assertEquals(1, (Integer) component.read("ns", "k", "a"));
    }
}
