package io.sharedmemory.store.hazelcast;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.store.hazelcast.internal.osgi.MemberConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Split-brain protection, as the member component configures it ({@code minClusterSize}): a member in a cluster
 * smaller than the minimum refuses every operation — writes answer {@code STORE_UNAVAILABLE}, reads find nothing and
 * the access log says why, administration and broadcasts fail — and nothing changes; once the cluster is big enough
 * again it serves, with everything as it was. The smaller side of a partition is modelled here by the survivor of two
 * members terminated at once; {@link HazelcastStore_SplitBrainTest} cuts a real network.
 */
class HazelcastStore_MinClusterSizeTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** A member as the member component configures it: every entry on every member, at least 2 members to serve. */
    static Config guardedMember(TestCluster cluster, String memory) {
        return TestCluster.tune(MemberConfigs.of(cluster.name(), cluster.addresses(),
                cluster.basePort() + cluster.members().size(), 2, memory, 2));
    }

    static boolean guarded(HazelcastInstance member) {
        return member.getSplitBrainProtectionService().getSplitBrainProtection(MemberConfigs.MIN_SIZE_PROTECTION)
                .hasMinimumSize();
    }

    @Test
    void aMemberAloneBelowMinClusterSize_refusesEveryOperation_changesNothing_andServesAgainOnceAMemberJoins()
            throws Exception {
        String memory = ClusterMemories.newName();
        try (TestCluster cluster = TestCluster.of(3, c -> c.start(guardedMember(c, memory)));
             ClusterMemories m = new ClusterMemories(cluster, memory, b -> b)) {
            HazelcastInstance alone = cluster.member(0);
            SharedMemory survivor = m.get(0);
            survivor.createNamespace("guarded", NamespaceConfig.builder().defaultPermission(Permission.ADMIN).build());
            for (int i = 0; i < 20; i++) {
                assertTrue(survivor.write("guarded", "k" + i, i, "writer").isWritten());
            }
            List<ChangeEvent> seen = Collections.synchronizedList(new ArrayList<>());
            survivor.subscribe("guarded", "watcher", seen::add);

            cluster.member(1).getLifecycleService().terminate();
            cluster.member(2).getLifecycleService().terminate();
            await().atMost(WAIT).until(() -> alone.getCluster().getMembers().size() == 1 && !guarded(alone));

            WriteResult update = survivor.write("guarded", "k0", "during", "writer");
            assertEquals(WriteResult.Status.STORE_UNAVAILABLE, update.status(), update::toString);
            assertTrue(update.message().contains("minority side of a split cluster")
                    && update.message().contains("nothing was changed"), update.message());
            WriteResult added = survivor.write("guarded", "new", "during", "writer");
            assertEquals(WriteResult.Status.STORE_UNAVAILABLE, added.status(), added::toString);
            assertNull(survivor.read("guarded", "k1", "reader"));
            assertRefused(survivor, AccessAction.READ, "k1");
            assertEquals(Optional.empty(), survivor.readEntry("guarded", "k1", "reader"));
            assertFalse(survivor.delete("guarded", "k2", "writer"));
            assertRefused(survivor, AccessAction.DELETE, "k2");
            assertNull(survivor.getKeys("guarded", "reader"));
            assertFalse(survivor.clearNamespace("guarded", "admin"));
            assertFalse(survivor.updatePermissions("guarded", Map.of("writer", Permission.READ), "admin"));
            assertThrows(SharedMemoryException.class, () -> survivor.broadcast("guarded", "hello", "writer"));
            assertThrows(SharedMemoryException.class, () -> survivor.createNamespace("another"));

            cluster.start(guardedMember(cluster, memory));
            await().atMost(WAIT).until(() -> alone.getCluster().getMembers().size() == 2 && guarded(alone));
            // the refused operations changed nothing
            MemoryEntry k0 = survivor.readEntry("guarded", "k0", "reader").orElseThrow();
            assertEquals(0, k0.value());
            assertEquals(1, k0.version());
            assertEquals(2, (Integer) survivor.read("guarded", "k2", "reader"));
            assertEquals(Optional.empty(), survivor.readEntry("guarded", "new", "reader"));
            assertEquals(IntStream.range(0, 20).mapToObj(i -> "k" + i).sorted().toList(),
                    survivor.getKeys("guarded", "reader"));
            assertEquals(Permission.ADMIN, survivor.getNamespaceConfig("guarded").orElseThrow().defaultPermission());
            // and it serves again, with a memory on the member that joined
            assertEquals(2, survivor.write("guarded", "k0", "after", "writer").version());
            assertEquals(1, survivor.write("guarded", "new", "after", "writer").version());
            assertTrue(survivor.delete("guarded", "k2", "writer"));
            SharedMemory joined = m.add(3, b -> b);
            assertEquals("after", joined.read("guarded", "k0", "reader"));
            assertEquals("after", joined.read("guarded", "new", "reader"));
            assertNull(joined.read("guarded", "k2", "reader"));
            // the subscriber heard only the changes made after the refusals (each key's events come in order, so a
            // refused operation that had changed k0, k2 or "new" would show before these)
            await().atMost(WAIT).until(() -> changes(seen).size() >= 3);
            assertEquals(List.of("DELETE k2 0", "WRITE k0 2", "WRITE new 1"), changes(seen).stream()
                    .map(e -> e.action() + " " + e.key() + " " + e.version()).sorted().toList());
        }
    }

    static List<ChangeEvent> changes(List<ChangeEvent> seen) {
        synchronized (seen) {
            return seen.stream().filter(e -> e.action() != ChangeAction.RESYNC).toList();
        }
    }

    static void assertRefused(SharedMemory memory, AccessAction action, String key) {
        List<AccessLogEntry> log = memory.getAccessLog();
        AccessLogEntry last = log.get(log.size() - 1);
        assertEquals(action, last.action());
        assertEquals(key, last.key());
        assertFalse(last.success());
        assertTrue(last.error().contains("minority side of a split cluster"), last.error());
    }
}
