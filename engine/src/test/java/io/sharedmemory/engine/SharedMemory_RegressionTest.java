package io.sharedmemory.engine;

import io.sharedmemory.engine.conformance.TestStores;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.spi.AgentAuthenticator;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.Resolution;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Regression tests, each named after what it guards (found by review of the engine). */
class SharedMemory_RegressionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private SharedMemory memory;

    @BeforeEach
    void create() {
        memory = SharedMemory.create(TestStores.options().build());
        memory.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.ADMIN).build());
    }

    @AfterEach
    void destroy() {
        memory.destroy();
    }

    @Test
    void resubscribingRightAfterUnsubscribeNeverLosesTheNewSubscribersEvents() throws InterruptedException {
        for (int round = 0; round < 300; round++) {
            Subscription old = memory.subscribe("ns", "a", e -> { });
            old.unsubscribe();
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            Subscription fresh = memory.subscribe("ns", "a", seen::add);
            assertTrue(memory.write("ns", "k", round, "w").isWritten());
            assertTrue(fresh.awaitDelivery(WAIT));
            assertEquals(1, seen.size(), "round " + round);
            fresh.unsubscribe();
        }
    }

    @Test
    void theEventRingDoesNotKeepValuesAliveAfterItsSubscribersLeave() throws InterruptedException {
        Subscription s = memory.subscribe("ns", "a", e -> { });
        memory.write("ns", "k", Map.of("big", "x".repeat(10_000)), "w");
        assertTrue(s.awaitDelivery(WAIT));
        WeakReference<Object> written = new WeakReference<>(memory.read("ns", "k", "r"));
        s.unsubscribe();
        Awaitility.await().atMost(WAIT).until(() -> memory.getStats().subscriptions() == 0);
        memory.write("ns", "k", "replaced", "w");
        Awaitility.await().atMost(WAIT).until(() -> {
            System.gc();
            return written.get() == null;
        });
    }

    @Test
    void aStrategyWithoutANameIsIgnoredAndDoesNotBreakTheOtherPlugins() {
        ConflictStrategy nameless = new ConflictStrategy() {
            @Override
            public String name() {
                return null;
            }

            @Override
            public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
                return Resolution.accept();
            }
        };
        try (SharedMemory m = SharedMemory.create(TestStores.options().plugin(nameless).build())) {
            m.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            assertTrue(m.write("ns", "k", 1, "a").isWritten());
            assertTrue(m.write("ns", "k", 2, "a").isWritten());
        }
    }

    @Test
    void nestingCannotBeDeepenedByWrappingWhatWasRead() {
        Object deep = "leaf";
        for (int i = 0; i < 63; i++) {
            deep = List.of(deep);
        }
        assertTrue(memory.write("ns", "deep", deep, "a").isWritten());
        Object read = memory.read("ns", "deep", "a");
        assertTrue(memory.write("ns", "deeper", List.of(read), "a").isWritten(), "64 levels is the limit");
        Object deeper = memory.read("ns", "deeper", "a");
        var refused = memory.write("ns", "deepest", List.of(deeper), "a");
        assertEquals(Status.INVALID, refused.status());
        assertTrue(refused.message().contains("nested deeper than 64"), refused.message());
    }

    @Test
    void aMapWithTheSameKeyTwiceIsRefused() {
        Map<String, Object> twice = new IdentityHashMap<>();
        twice.put(new String("k"), 1);
        twice.put(new String("k"), 2);
        assertEquals(Status.INVALID, memory.write("ns", "m", twice, "a").status());
        assertTrue(memory.readEntry("ns", "m", "a").isEmpty());
    }

    @Test
    void aSubscriptionEndsWhenItsAgentMayNoLongerRead() {
        Subscription s = memory.subscribe("ns", "reader", e -> { });
        assertTrue(memory.updatePermissions("ns", Map.of("other", Permission.WRITE), "admin"));
        assertTrue(s.isActive(), "unrelated change");
        assertTrue(memory.updatePermissions("ns", Map.of("reader", Permission.NONE), "admin"));
        Awaitility.await().atMost(WAIT).until(() -> !s.isActive());
    }

    @Test
    void anIdentityThatNeverExpiresDoesNotOverflow() {
        AgentAuthenticator forever = c -> Optional.of(new AgentAuthenticator.Identity("a", Instant.MAX, "t"));
        try (SharedMemory m = SharedMemory.create(TestStores.options().plugin(forever).build())) {
            m.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            AgentSession s = m.session(Credentials.token("t"));
            assertTrue(s.isOpen());
            assertTrue(s.write("ns", "k", 1).isWritten());
            s.close();
            assertFalse(s.isOpen());
        }
    }
}
