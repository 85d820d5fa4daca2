package io.sharedmemory.store.hazelcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.NamespaceNotFoundException;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two (here three) {@code SharedMemory} instances built on members of one cluster are the same memory: namespaces,
 * configurations and permissions, entries, subscriptions and broadcasts span the members.
 */
class HazelcastStore_SameMemoryTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static TestCluster cluster;
    private ClusterMemories m;

    @BeforeAll
    static void form() {
        cluster = TestCluster.of(3);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void memories() {
        m = new ClusterMemories(cluster);
    }

    @AfterEach
    void end() {
        m.close();
    }

    @Test
    void aNamespaceCreatedThroughOneMember_existsOnTheOthers_withItsConfigurationAndPermissions() {
        NamespaceConfig config = NamespaceConfig.builder().defaultPermission(Permission.NONE)
                .permission("alice", Permission.ADMIN).permission("bob", Permission.READ)
                .conflictStrategy(NamespaceConfig.MERGE).maxEntries(50).ttl(Duration.ofHours(1)).build();
        m.get(0).createNamespace("tasks", config);
        for (int i = 1; i < 3; i++) {
            assertEquals(config, m.get(i).getNamespaceConfig("tasks").orElseThrow(), "on member " + i);
            assertEquals(Permission.READ, m.get(i).permission("tasks", "bob"));
            assertEquals(List.of("tasks"), m.get(i).getNamespaces());
        }
    }

    @Test
    void aWriteThroughOneMember_isReadThroughTheOthers() {
        m.get(0).createNamespace("tasks", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        WriteResult r = m.get(1).write("tasks", "t1", Map.of("state", "open"), "planner");
        assertEquals(WriteResult.written(1), r);
        for (int i = 0; i < 3; i++) {
            MemoryEntry e = m.get(i).readEntry("tasks", "t1", "worker").orElseThrow();
            assertEquals(Map.of("state", "open"), e.value());
            assertEquals("planner", e.ownerId());
            assertEquals(1, e.version());
        }
        assertEquals(WriteResult.written(2), m.get(2).write("tasks", "t1", Map.of("state", "done"), "worker"));
        assertEquals(Map.of("state", "done"), m.get(0).read("tasks", "t1", "planner"));
        assertTrue(m.get(0).delete("tasks", "t1", "planner"));
        assertNull(m.get(1).read("tasks", "t1", "worker"));
        assertEquals(List.of(), m.get(2).getKeys("tasks", "worker"));
    }

    @Test
    void aSubscriberOnOneMember_receivesEveryChange_whicheverMemberMadeIt() throws InterruptedException {
        m.get(0).createNamespace("events", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        List<ChangeEvent> seen = Collections.synchronizedList(new ArrayList<>());
        Subscription s = m.get(1).subscribe("events", "watcher", seen::add);
        m.get(0).write("events", "k", "one", "agent-0");
        m.get(2).write("events", "k", "two", "agent-2");
        m.get(2).delete("events", "k", "agent-2");
        m.get(0).write("events", "k", "three", "agent-0");
        await().atMost(WAIT).until(() -> seen.size() == 4);
        assertTrue(s.awaitDelivery(WAIT));
        List<String> got = seen.stream().map(e -> e.action() + ":" + e.value() + ":" + e.agentId() + ":" + e.version())
                .toList();
        assertEquals(List.of("WRITE:one:agent-0:1", "WRITE:two:agent-2:2", "DELETE:null:agent-2:0",
                "WRITE:three:agent-0:1"), got);
    }

    @Test
    void awaitDelivery_coversThisMembersOwnWrites() throws InterruptedException {
        m.get(0).createNamespace("events", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        List<ChangeEvent> seen = Collections.synchronizedList(new ArrayList<>());
        Subscription s = m.get(0).subscribe("events", "watcher", seen::add);
        for (int i = 0; i < 50; i++) {
            m.get(0).write("events", "k" + i, i, "agent");
        }
        assertTrue(s.awaitDelivery(WAIT));
        assertEquals(50, seen.size(), "every write this member made before awaitDelivery was delivered");
    }

    @Test
    void aBroadcast_reachesSubscribersOnEveryMember() throws InterruptedException {
        m.get(0).createNamespace("news", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        List<List<ChangeEvent>> seen = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<ChangeEvent> mine = Collections.synchronizedList(new ArrayList<>());
            seen.add(mine);
            subs.add(m.get(i).subscribe("news", "listener-" + i, mine::add));
        }
        m.get(2).broadcast("news", Map.of("text", "maintenance"), "system-agent");
        for (int i = 0; i < 3; i++) {
            List<ChangeEvent> mine = seen.get(i);
            await().atMost(WAIT).until(() -> mine.size() == 1);
            ChangeEvent e = mine.get(0);
            assertEquals(ChangeAction.BROADCAST, e.action());
            assertEquals(Map.of("text", "maintenance"), e.value());
            assertEquals("system-agent", e.agentId());
        }
    }

    @Test
    void aRevokeThroughOneMember_isInForceOnTheOthers_whenItReturns() {
        m.get(0).createNamespace("vault", NamespaceConfig.builder().defaultPermission(Permission.NONE)
                .permission("admin", Permission.ADMIN).permission("writer", Permission.WRITE).build());
        assertTrue(m.get(1).write("vault", "k", 1, "writer").isWritten());
        assertTrue(m.get(0).updatePermissions("vault", Map.of("writer", Permission.READ), "admin"));
        for (int i = 0; i < 3; i++) {
            assertEquals(WriteResult.Status.DENIED, m.get(i).write("vault", "k", 2, "writer").status(),
                    "member " + i + " checks against the new permissions at once");
            assertEquals(1, (Integer) m.get(i).read("vault", "k", "writer"));
        }
    }

    @Test
    void aNamespaceDeletedThroughOneMember_isGoneEverywhere_andItsSubscriptionsEnd() {
        m.get(0).createNamespace("tmp", NamespaceConfig.builder().defaultPermission(Permission.ADMIN).build());
        m.get(0).write("tmp", "k", 1, "a");
        Subscription s = m.get(2).subscribe("tmp", "watcher", e -> { });
        assertTrue(m.get(1).deleteNamespace("tmp", "a"));
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(), m.get(i).getNamespaces(), "member " + i);
        }
        assertFalse(s.isActive());
        assertThrows(NamespaceNotFoundException.class, () -> m.get(2).subscribe("tmp", "w", e -> { }));
        m.get(2).createNamespace("tmp");
        assertNull(m.get(0).read("tmp", "k", "a"), "a namespace created again starts empty");
    }

    @Test
    void compareAndSetAcrossMembers_hasOneWinner() {
        m.get(0).createNamespace("cas", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        m.get(0).write("cas", "k", 0, "a");
        WriteOptions expect1 = WriteOptions.builder().expectedVersion(1).build();
        assertTrue(m.get(1).write("cas", "k", 1, "b", expect1).isWritten());
        WriteResult lost = m.get(2).write("cas", "k", 2, "c", expect1);
        assertEquals(WriteResult.Status.VERSION_MISMATCH, lost.status());
        assertEquals(2, lost.version());
    }

    @Test
    void closingAMemory_leavesTheMemberRunning() {
        SharedMemory extra = m.add(0, b -> b);
        extra.destroy();
        assertTrue(cluster.member(0).getLifecycleService().isRunning());
        m.get(0).createNamespace("still");
        assertEquals(List.of("still"), m.get(1).getNamespaces());
    }

    @Test
    void aSecondMemoryName_isAnotherMemory() {
        try (SharedMemory other = SharedMemory.create(SharedMemoryOptions.builder()
                .store(HazelcastStore.on(cluster.member(0), "another")).build())) {
            m.get(0).createNamespace("mine");
            assertEquals(List.of(), other.getNamespaces());
        }
    }
}
