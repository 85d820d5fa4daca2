package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.conformance.TestStores;
import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a subscriber of a namespace receives for each kind of change, in commit order: writes with their version,
 * deletes, broadcasts, expiries found by a sweep, a write or a clear, and the clear itself — each with the agent that
 * caused it (the system for expiries) and the time of the change.
 */
class Engine_ChangeStreamTest {
    private static final long T0 = 3_000_000L;
    private static final String SYSTEM = SharedMemory.SYSTEM_AGENT;
    private final MutableClock clock = new MutableClock(T0);
    private final RankedPluginRegistry registry = new RankedPluginRegistry();
    private final List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
    private Engine engine;

    @BeforeEach
    void start() {
        registry.addStrategy(TestPlugins.latestWins(), NamespaceConfig.LATEST_WINS, 0, 1, "test");
        registry.addPermissionProvider(TestPlugins.overridesThenDefault(), 0, 2, "test");
        registry.addAuditSink(new TestPlugins.ListLog(), 0, 3, "test");
        engine = new Engine(TestStores.options().clock(clock).cleanupInterval(Duration.ZERO).build(),
                registry, null);
        engine.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.ADMIN)
                .ttl(Duration.ofMillis(100)).build());
        engine.createNamespace("other", NamespaceConfig.builder().defaultPermission(Permission.ADMIN).build());
        engine.subscribe("ns", "watcher", seen::add);
    }

    @AfterEach
    void stop() {
        engine.destroy();
    }

    private static ChangeEvent change(String key, Object value, String agent, ChangeAction action, long version,
                                      long at) {
        return new ChangeEvent("ns", key, value, agent, action, version, Instant.ofEpochMilli(at));
    }

    private List<ChangeEvent> awaitChanges(int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= n);
        return new ArrayList<>(seen);
    }

    /**
     * The changes as expected: in commit order in one process; on a store shared by processes in each key's order
     * (broadcasts as one more "key"), which is all such a store promises.
     */
    private static void assertChanges(List<ChangeEvent> expected, List<ChangeEvent> got) {
        if (TestStores.shared()) {
            assertEquals(perKey(expected), perKey(got), () -> "per key; all: " + got);
        } else {
            assertEquals(expected, got);
        }
    }

    private static Map<String, List<ChangeEvent>> perKey(List<ChangeEvent> events) {
        Map<String, List<ChangeEvent>> byKey = new HashMap<>();
        for (ChangeEvent e : events) {
            byKey.computeIfAbsent(String.valueOf(e.key()), k -> new ArrayList<>()).add(e);
        }
        return byKey;
    }

    @Test
    void eachKindOfChange_inCommitOrder() {
        engine.write("ns", "a", 1, "w1");
        engine.write("ns", "a", 2, "w2");
        engine.write("other", "x", 1, "w1");
        clock.advanceMillis(10);
        engine.delete("ns", "a", "w3");
        engine.delete("ns", "a", "w3");
        engine.broadcast("ns", Map.of("hello", "all"), "w4");
        engine.broadcast("other", "elsewhere", "w4");
        clock.advanceMillis(10);
        engine.write("ns", "b", "bee", "w5");
        List<ChangeEvent> got = awaitChanges(5);
        assertChanges(List.of(
                change("a", 1, "w1", ChangeAction.WRITE, 1, T0),
                change("a", 2, "w2", ChangeAction.WRITE, 2, T0),
                change("a", null, "w3", ChangeAction.DELETE, 0, T0 + 10),
                change(null, Map.of("hello", "all"), "w4", ChangeAction.BROADCAST, 0, T0 + 10),
                change("b", "bee", "w5", ChangeAction.WRITE, 1, T0 + 20)), got);
    }

    @Test
    void expiries_foundByASweep_areSentWithTheLastValue() {
        engine.write("ns", "a", "old", "w");
        clock.advanceMillis(50);
        engine.write("ns", "b", "young", "w");
        clock.advanceMillis(50);
        assertEquals(1, engine.cleanupExpired());
        engine.write("ns", "marker", 1, "w");
        List<ChangeEvent> got = awaitChanges(4);
        assertChanges(List.of(
                change("a", "old", "w", ChangeAction.WRITE, 1, T0),
                change("b", "young", "w", ChangeAction.WRITE, 1, T0 + 50),
                change("a", "old", SYSTEM, ChangeAction.EXPIRE, 0, T0 + 100),
                change("marker", 1, "w", ChangeAction.WRITE, 1, T0 + 100)), got);
    }

    @Test
    void aClear_sendsADeleteForEachLiveEntry_andAnExpiryForEachExpiredOne() {
        engine.write("ns", "gone", "g", "w");
        clock.advanceMillis(60);
        engine.write("ns", "live", "l", "w");
        clock.advanceMillis(40);
        engine.clearNamespace("ns", "admin");
        engine.write("ns", "after", 1, "w");
        List<ChangeEvent> got = awaitChanges(5);
        if (TestStores.shared()) {
            assertChanges(List.of(
                    change("gone", "g", "w", ChangeAction.WRITE, 1, T0),
                    change("live", "l", "w", ChangeAction.WRITE, 1, T0 + 60),
                    change("gone", "g", SYSTEM, ChangeAction.EXPIRE, 0, T0 + 100),
                    change("live", null, "admin", ChangeAction.DELETE, 0, T0 + 100),
                    change("after", 1, "w", ChangeAction.WRITE, 1, T0 + 100)), got);
            return;
        }
        List<ChangeEvent> fromClear = got.subList(2, 4);
        assertEquals(2, fromClear.size());
        assertEquals(true, fromClear.contains(change("gone", "g", SYSTEM, ChangeAction.EXPIRE, 0, T0 + 100)),
                fromClear::toString);
        assertEquals(true, fromClear.contains(change("live", null, "admin", ChangeAction.DELETE, 0, T0 + 100)),
                fromClear::toString);
        assertEquals(change("after", 1, "w", ChangeAction.WRITE, 1, T0 + 100), got.get(4));
    }

    @Test
    void aDeleteOfAnExpiredEntry_sendsNothing() {
        engine.write("ns", "a", 1, "w");
        clock.advanceMillis(100);
        engine.delete("ns", "a", "w");
        engine.write("ns", "marker", 1, "w");
        List<ChangeEvent> got = awaitChanges(2);
        assertChanges(List.of(change("a", 1, "w", ChangeAction.WRITE, 1, T0),
                change("marker", 1, "w", ChangeAction.WRITE, 1, T0 + 100)), got);
    }
}
