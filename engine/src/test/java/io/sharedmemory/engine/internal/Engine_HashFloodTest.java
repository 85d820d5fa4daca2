package io.sharedmemory.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.engine.conformance.TestStores;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hash-flooding case of the hardening issue, through the public API: 16 384 keys of one String.hashCode in a
 * namespace of maxEntries 16 384 with one subscriber. Every key is written; deleting the first removes it (a DELETE
 * event and a log record, once), and the limit is exact afterwards; the sweeper expires all of them, each reported
 * once, and the namespace's room is exactly given back.
 */
class Engine_HashFloodTest {
    private final TestPlugins.ListLog log = new TestPlugins.ListLog();
    private final MutableClock clock = new MutableClock(1_000_000L);
    private Engine engine;

    @BeforeEach
    void start() {
        var registry = new io.sharedmemory.engine.internal.plugins.RankedPluginRegistry();
        registry.addStrategy(TestPlugins.latestWins(), NamespaceConfig.LATEST_WINS, 0, 1, "test");
        registry.addPermissionProvider(TestPlugins.overridesThenDefault(), 0, 2, "test");
        registry.addAuditSink(log, 0, 3, "test");
        engine = new Engine(TestStores.options().clock(clock).cleanupInterval(Duration.ZERO).maxLogSize(100_000)
                .build(), registry, null);
    }

    @AfterEach
    void stop() {
        engine.destroy();
    }

    @Test
    void collidingKeys_areWrittenDeletedAndExpired_exactly() throws Exception {
        List<String> keys = io.sharedmemory.engine.internal.store.SegmentedEntryStore_CollisionTestKeys.of(14);
        engine.createNamespace("flood", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .maxEntries(keys.size()).ttl(Duration.ofMinutes(1)).build());
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        Subscription sub = engine.subscribe("flood", "watcher", events::add);
        for (String k : keys) {
            assertEquals(Status.WRITTEN, engine.write("flood", k, 1, "agent").status());
        }
        assertEquals(Status.NAMESPACE_FULL, engine.write("flood", "AaAaAaAaAaAaAaAaAaAaAaAaAaAx", 1, "agent").status());

        assertTrue(engine.delete("flood", keys.get(0), "agent"));
        assertNull(engine.read("flood", keys.get(0), "agent"));
        assertTrue(sub.awaitDelivery(Duration.ofSeconds(10)));
        assertEquals(1, events.stream().filter(e -> e.action() == ChangeAction.DELETE).count());
        assertEquals(1, log.entries.stream().filter(e -> e.action() == AccessAction.DELETE && e.success()).count());
        assertEquals(keys.size() - 1, engine.getStats().totalEntries());
        assertEquals(Status.WRITTEN, engine.write("flood", keys.get(0), 2, "agent").status(), "its room came back");
        assertEquals(Status.NAMESPACE_FULL, engine.write("flood", "AaAaAaAaAaAaAaAaAaAaAaAaAaAx", 1, "agent").status());

        clock.advance(Duration.ofMinutes(2));
        assertEquals(keys.size(), engine.cleanupExpired());
        assertEquals(0, engine.cleanupExpired());
        assertTrue(sub.awaitDelivery(Duration.ofSeconds(10)));
        assertEquals(keys.size(), events.stream().filter(e -> e.action() == ChangeAction.EXPIRE).count());
        assertEquals(keys.size(), log.entries.stream().filter(e -> e.action() == AccessAction.EXPIRE).count());
        assertEquals(0, engine.getStats().totalEntries());
        List<String> fresh = new ArrayList<>(keys.subList(0, 10));
        for (String k : fresh) {
            assertEquals(Status.WRITTEN, engine.write("flood", k, 3, "agent").status());
        }
        sub.unsubscribe();
    }
}
