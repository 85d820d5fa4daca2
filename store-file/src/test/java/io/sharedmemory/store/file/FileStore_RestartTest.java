package io.sharedmemory.store.file;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.engine.conformance.TestStoreContext;
import io.sharedmemory.engine.internal.MutableClock;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Restart round trips through the public API: every kind of state a memory holds comes back after the memory is
 * destroyed and a new one opens the same directory — namespaces with their whole configuration, permission updates,
 * entries with every field, deletions, cleared and deleted namespaces, expiry across the restart (reported once),
 * version continuity, and what a {@code custom} namespace does without its resolver.
 */
class FileStore_RestartTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private final List<SharedMemory> opened = new ArrayList<>();

    @AfterEach
    void destroyAll() {
        opened.forEach(SharedMemory::destroy);
    }

    private SharedMemory open(Durability durability) {
        return open(FileStore.builder(dir).durability(durability).segmentSize(64 << 10).build());
    }

    private SharedMemory open(FileStore store) {
        SharedMemory m = SharedMemory.create(SharedMemoryOptions.builder().clock(clock)
                .cleanupInterval(Duration.ZERO).store(store).build());
        opened.add(m);
        return m;
    }

    private void restart(SharedMemory m) {
        m.destroy();
        opened.remove(m);
    }

    private static Map<String, Object> value(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void everyKindOfState_comesBack(Durability durability) {
        SharedMemory m = open(durability);
        NamespaceConfig tasks = NamespaceConfig.builder().defaultPermission(Permission.NONE)
                .permission("alice", Permission.ADMIN).permission("bob", Permission.WRITE)
                .conflictStrategy(NamespaceConfig.MERGE).maxEntries(100).ttl(Duration.ofHours(1)).build();
        m.createNamespace("tasks", tasks);
        assertTrue(m.updatePermissions("tasks", Map.of("carol", Permission.READ, "bob", Permission.ADMIN), "alice"));
        m.createNamespace("gone", NamespaceConfig.builder().defaultPermission(Permission.ADMIN).build());
        m.createNamespace("cleared", NamespaceConfig.builder().defaultPermission(Permission.ADMIN).build());
        m.createNamespace("short", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .ttl(Duration.ofSeconds(10)).build());

        assertTrue(m.write("tasks", "t1", value("title", "first", "n", 1), "alice").isWritten());
        clock.advanceMillis(5);
        WriteResult second = m.write("tasks", "t1", value("state", "open", "big", new BigDecimal("1.50"),
                "list", List.of(1, "two", value("x", false))), "bob",
                WriteOptions.builder().metadata(Map.of("source", "planner", "round", 3)).build());
        assertEquals(2, second.version());
        assertTrue(m.write("tasks", "t2", "plain text: käse 名前", "bob").isWritten());
        assertTrue(m.write("tasks", "t3", 3, "bob").isWritten());
        assertTrue(m.delete("tasks", "t3", "bob"));
        assertTrue(m.write("gone", "k", "v", "alice").isWritten());
        assertTrue(m.write("cleared", "k", "v", "x").isWritten());
        assertTrue(m.clearNamespace("cleared", "x"));
        assertTrue(m.write("cleared", "after", "v", "x").isWritten());
        assertTrue(m.write("short", "dies", "soon", "w").isWritten());
        clock.advance(Duration.ofSeconds(8));
        assertTrue(m.write("short", "lives", "longer", "w").isWritten());
        assertTrue(m.deleteNamespace("gone", "anyone"));

        Map<String, NamespaceConfig> configs = new LinkedHashMap<>();
        for (String n : m.getNamespaces()) {
            configs.put(n, m.getNamespaceConfig(n).orElseThrow());
        }
        MemoryEntry t1 = m.readEntry("tasks", "t1", "alice").orElseThrow();
        MemoryEntry t2 = m.readEntry("tasks", "t2", "alice").orElseThrow();
        MemoryEntry after = m.readEntry("cleared", "after", "x").orElseThrow();
        MemoryEntry lives = m.readEntry("short", "lives", "w").orElseThrow();
        restart(m);
        clock.advance(Duration.ofSeconds(5)); // "dies" passes its deadline while the memory is closed, "lives" not

        SharedMemory again = open(durability);
        assertEquals(List.of("cleared", "short", "tasks"), again.getNamespaces());
        for (String n : configs.keySet()) {
            assertEquals(configs.get(n), again.getNamespaceConfig(n).orElseThrow(), n);
        }
        assertEquals(Permission.READ, again.permission("tasks", "carol"), "a permission update comes back");
        assertEquals(Permission.ADMIN, again.permission("tasks", "bob"));
        assertEquals(Optional.of(t1), again.readEntry("tasks", "t1", "alice"), "value, owner, version, timestamp, "
                + "metadata and deadline");
        assertEquals(Optional.of(t2), again.readEntry("tasks", "t2", "alice"));
        assertEquals(Optional.empty(), again.readEntry("tasks", "t3", "alice"), "a deletion comes back");
        assertEquals(List.of("after"), again.getKeys("cleared", "x"), "a clear comes back");
        assertEquals(Optional.of(after), again.readEntry("cleared", "after", "x"));
        assertEquals(Optional.of(lives), again.readEntry("short", "lives", "w"));
        assertNull(again.read("short", "dies", "w"), "an entry that died while closed is not live");
        await().atMost(Duration.ofSeconds(30)).until(() -> expiries(again, "dies").size() == 1);
        assertEquals(0, again.cleanupExpired(), "already removed by the sweep after the start");
        assertEquals(1, expiries(again, "dies").size(), "its expiry is reported once");

        WriteResult third = again.write("tasks", "t1", value("state", "done"), "alice");
        assertEquals(3, third.version(), "versions go on from where they were");
        assertEquals(value("title", "first", "n", 1, "state", "done", "big", new BigDecimal("1.50"), "list",
                List.of(1, "two", value("x", false))), again.read("tasks", "t1", "alice"), "the merge strategy "
                + "merges into the value that came back");
        assertEquals(1, again.write("tasks", "t3", "new", "bob").version(), "a deleted key starts again at 1");
        restart(again);

        // the expiry was logged: the store itself no longer holds the entry
        FileStore raw = FileStore.builder(dir).segmentSize(64 << 10).build();
        try {
            raw.open(new TestStoreContext(clock));
            assertNull(raw.entries("short").get("dies"));
            assertEquals(3, raw.entries("tasks").get("t1").version());
        } finally {
            raw.close();
        }
    }

    private static List<AccessLogEntry> expiries(SharedMemory m, String key) {
        List<AccessLogEntry> found = new ArrayList<>();
        for (AccessLogEntry e : m.getAccessLog()) {
            if (e.action() == AccessAction.EXPIRE && key.equals(e.key())) {
                found.add(e);
            }
        }
        return found;
    }

    @Test
    void aCustomNamespace_withoutItsResolverAfterARestart_refusesUpdates_untilTheResolverIsSuppliedAgain() {
        SharedMemory m = open(Durability.BATCHED);
        NamespaceConfig custom = NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy(NamespaceConfig.CUSTOM)
                .conflictResolver((existing, incoming, key) -> existing).build(); // keeps the first value
        m.createNamespace("c", custom);
        assertTrue(m.write("c", "k", "first", "a").isWritten());
        assertEquals(WriteResult.Status.REJECTED, m.write("c", "k", "second", "a").status());
        restart(m);

        SharedMemory again = open(Durability.BATCHED);
        NamespaceConfig held = again.getNamespaceConfig("c").orElseThrow();
        assertEquals(NamespaceConfig.CUSTOM, held.conflictStrategy());
        assertFalse(held.conflictResolver().isPresent(), "a resolver is a function of the process, not data");
        WriteResult update = again.write("c", "k", "third", "a");
        assertEquals(WriteResult.Status.REJECTED, update.status(), "never decided by another policy");
        assertTrue(update.message().contains("has no conflictResolver"), update.message());
        assertEquals("first", again.read("c", "k", "a"));
        assertTrue(again.write("c", "new", "v", "a").isWritten(), "a new key needs no resolver");

        again.createNamespace("c", held.toBuilder().conflictResolver((existing, incoming, key) -> incoming).build());
        assertTrue(again.write("c", "k", "fourth", "a").isWritten(), "the resolver supplied again decides");
        assertEquals("fourth", again.read("c", "k", "a"));
    }

    @Test
    void manyRestarts_withSnapshotsBetween_keepEverything() {
        Map<String, Object> expected = new LinkedHashMap<>();
        for (int round = 0; round < 6; round++) {
            FileStore store = FileStore.builder(dir).segmentSize(64 << 10).build();
            SharedMemory m = open(store);
            if (round == 0) {
                m.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            }
            for (String k : expected.keySet()) {
                assertEquals(expected.get(k), m.read("ns", k, "a"), "round " + round + ", key " + k);
            }
            assertEquals(expected.size(), m.getKeys("ns", "a").size());
            for (int i = 0; i < 500; i++) {
                String key = "k" + (i * 7 + round) % 300;
                String v = "round " + round + " write " + i;
                assertTrue(m.write("ns", key, v, "a").isWritten());
                expected.put(key, v);
                if (i % 50 == 49) {
                    assertTrue(m.delete("ns", key, "a"));
                    expected.remove(key);
                }
                if (round % 2 == 1 && i == 250) {
                    assertTrue(store.snapshot(), "a snapshot in the middle of the writes");
                }
            }
            restart(m);
        }
    }
}
