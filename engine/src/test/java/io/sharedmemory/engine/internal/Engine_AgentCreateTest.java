package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.conformance.TestStores;
import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.InvalidInputException;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.Registration;
import io.sharedmemory.api.SharedMemoryOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An agent creates namespaces freely and becomes their admin; reconfiguring an existing one needs ADMIN on it. */
class Engine_AgentCreateTest {
    private final TestPlugins.ListLog log = new TestPlugins.ListLog();
    private final RankedPluginRegistry registry = new RankedPluginRegistry();
    private Engine engine;

    @BeforeEach
    void start() {
        registry.addStrategy(TestPlugins.latestWins(), "latest-wins", 0, 1, "test");
        registry.addPermissionProvider(TestPlugins.overridesThenDefault(), 0, 2, "test");
        registry.addAuditSink(log, 0, 3, "test");
        engine = new Engine(TestStores.options().build(), registry, null);
    }

    @AfterEach
    void stop() {
        engine.destroy();
    }

    private List<AccessLogEntry> creations() {
        return log.entries.stream().filter(e -> e.action() == AccessAction.CREATE_NAMESPACE).toList();
    }

    @Test
    void theCreatingAgentBecomesAdmin_andTheCreationIsRecorded() throws InterruptedException {
        List<MemoryEvent> created = new CopyOnWriteArrayList<>();
        Registration r = engine.on(EventType.NAMESPACE_CREATED, created::add);
        assertTrue(engine.createNamespace("tasks", NamespaceConfig.builder().defaultPermission(Permission.NONE)
                .permission("bob", Permission.READ).build(), "alice"));
        assertEquals(Permission.ADMIN, engine.permission("tasks", "alice"));
        assertEquals(Permission.READ, engine.permission("tasks", "bob"));
        assertEquals(Permission.NONE, engine.permission("tasks", "carol"));
        assertEquals(Map.of("bob", Permission.READ, "alice", Permission.ADMIN),
                engine.getNamespaceConfig("tasks").orElseThrow().permissions());
        assertEquals(1, creations().size());
        assertTrue(creations().get(0).success());
        assertEquals("alice", creations().get(0).agentId());
        assertTrue(r.awaitDelivery(Duration.ofSeconds(5)));
        assertEquals("alice", created.get(0).agentId());
        r.remove();
    }

    @Test
    void aConfigurationThatNamesTheCreator_isTakenAsGiven() {
        engine.createNamespace("ns", NamespaceConfig.builder().permission("alice", Permission.WRITE).build(), "alice");
        assertEquals(Permission.WRITE, engine.permission("ns", "alice"));
    }

    @Test
    void aNonAdminCannotReconfigure_nothingChanges_andTheRefusalIsRecorded() {
        NamespaceConfig original = NamespaceConfig.builder().defaultPermission(Permission.READ)
                .maxEntries(10).build();
        engine.createNamespace("tasks", original, "alice");
        engine.write("tasks", "k", Map.of("a", 1), "alice");
        NamespaceConfig before = engine.getNamespaceConfig("tasks").orElseThrow();

        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> engine.createNamespace("tasks",
                NamespaceConfig.builder().defaultPermission(Permission.NONE).build(), "mallory"));
        assertTrue(e.getMessage().contains("mallory"), e.getMessage());
        assertEquals(before, engine.getNamespaceConfig("tasks").orElseThrow());
        assertEquals(Permission.READ, engine.permission("tasks", "mallory"));
        assertEquals(Map.of("a", 1), engine.read("tasks", "k", "bob"));
        AccessLogEntry refused = creations().get(creations().size() - 1);
        assertFalse(refused.success());
        assertEquals("mallory", refused.agentId());
        assertEquals(Entries.DENIED_TEXT, refused.error());
    }

    @Test
    void anAdminReconfigures_keepingTheDataAndStayingAdmin() {
        engine.createNamespace("tasks", NamespaceConfig.defaults(), "alice");
        engine.write("tasks", "k", 1, "alice");
        assertFalse(engine.createNamespace("tasks", NamespaceConfig.builder()
                .conflictStrategy(NamespaceConfig.FIRST_WINS).defaultPermission(Permission.WRITE).build(), "alice"));
        NamespaceConfig now = engine.getNamespaceConfig("tasks").orElseThrow();
        assertEquals(NamespaceConfig.FIRST_WINS, now.conflictStrategy());
        assertEquals(Permission.ADMIN, now.permissions().get("alice"));
        assertEquals(1, (Integer) engine.read("tasks", "k", "bob"));
    }

    @Test
    void badNamesAreRefusedAndRecorded() {
        assertThrows(InvalidInputException.class, () -> engine.createNamespace(" ", NamespaceConfig.defaults(), "a"));
        assertThrows(InvalidInputException.class, () -> engine.createNamespace("ns", NamespaceConfig.defaults(), ""));
        assertThrows(NullPointerException.class, () -> engine.createNamespace("ns", null, "a"));
        assertEquals(2, creations().stream().filter(e -> !e.success()).count());
        assertTrue(engine.getNamespaces().isEmpty());
    }

    @Test
    void aRevokedAdmin_cannotReconfigureOnceTheRevokeReturned() throws Exception {
        int rounds = 300;
        AtomicInteger lateWins = new AtomicInteger();
        for (int i = 0; i < rounds; i++) {
            String ns = "ns" + i;
            engine.createNamespace(ns, NamespaceConfig.builder().permission("b", Permission.ADMIN).build(), "a");
            CountDownLatch go = new CountDownLatch(1);
            boolean[] revoked = new boolean[1];
            Thread b = new Thread(() -> {
                try {
                    go.await();
                    engine.createNamespace(ns, NamespaceConfig.builder().permission("b", Permission.ADMIN)
                            .permission("a", Permission.NONE).build(), "b");
                } catch (AccessDeniedException | InterruptedException refused) {
                    // refused after the revoke
                }
            });
            b.start();
            go.countDown();
            revoked[0] = engine.updatePermissions(ns, Map.of("b", Permission.READ), "a");
            b.join();
            // if the revoke succeeded, b's reconfiguration either came first (then a lost admin and the revoke
            // would have failed) or was refused: a keeps admin and b ends as READ
            if (revoked[0] && (engine.permission(ns, "b") != Permission.READ
                    || engine.permission(ns, "a") != Permission.ADMIN)) {
                lateWins.incrementAndGet();
            }
        }
        assertEquals(0, lateWins.get());
    }
}
