package io.sharedmemory.store.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.map.IMap;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.Subscription;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Map events are not re-sent after a member fails, and an overloaded event queue drops them: a subscriber must never
 * miss changes silently. Each change carries its key's revision, and a subscriber that may have missed some receives
 * {@code ChangeAction.RESYNC} — then the subscription goes on.
 */
class HazelcastStore_LossNoticeTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aMemberThatLeaves_makesEverySubscriberBeToldThatChangesMayHaveBeenLost() throws Exception {
        try (TestCluster cluster = TestCluster.of(3);
             ClusterMemories m = new ClusterMemories(cluster)) {
            m.get(0).createNamespace("watched", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .build());
            List<List<ChangeEvent>> seen = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                List<ChangeEvent> mine = Collections.synchronizedList(new ArrayList<>());
                seen.add(mine);
                m.get(i).subscribe("watched", "watcher-" + i, mine::add);
            }
            cluster.member(2).getLifecycleService().terminate();
            for (int i = 0; i < 2; i++) {
                List<ChangeEvent> mine = seen.get(i);
                org.awaitility.Awaitility.await().atMost(WAIT).until(() -> mine.stream()
                        .anyMatch(e -> e.action() == ChangeAction.RESYNC));
                ChangeEvent notice = mine.stream().filter(e -> e.action() == ChangeAction.RESYNC).findFirst()
                        .orElseThrow();
                assertNull(notice.key(), "any key may be affected");
                assertTrue(((String) notice.value()).contains("left"), notice.value()::toString);
            }
            assertTrue(m.get(0).write("watched", "after", 1, "agent").isWritten());
            for (List<ChangeEvent> mine : seen) {
                org.awaitility.Awaitility.await().atMost(WAIT).until(() -> mine.stream()
                        .anyMatch(e -> e.action() == ChangeAction.WRITE && "after".equals(e.key())));
            }
        }
    }

    @Test
    void aChangeThatArrivesAfterAGap_isPrecededByANoticeForItsKey() throws Exception {
        try (TestCluster cluster = TestCluster.of(2);
             ClusterMemories m = new ClusterMemories(cluster)) {
            m.get(0).createNamespace("gaps", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            List<ChangeEvent> seen = Collections.synchronizedList(new ArrayList<>());
            Subscription s = m.get(1).subscribe("gaps", "watcher", seen::add);
            m.get(0).write("gaps", "k", 1, "agent");
            assertTrue(s.awaitDelivery(WAIT));
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> seen.size() == 1);
            // a change whose event never left its owner: the record's revision moves on by two, as it would after a
            // change whose event was dropped, and the next event shows the jump
            IMap<String, byte[]> map = entryMap(cluster, m.name, "gaps");
            byte[] record = map.get("k");
            ByteBuffer.wrap(record).putLong(1, ByteBuffer.wrap(record).getLong(1) + 2);
            map.set("k", record);
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> seen.size() >= 3);
            assertEquals(ChangeAction.RESYNC, seen.get(1).action());
            assertEquals("k", seen.get(1).key());
            assertEquals(ChangeAction.WRITE, seen.get(2).action(), "then the change itself");
        }
    }

    /** The entry map of a namespace, found by its name's suffix (its incarnation is in the middle). */
    private static IMap<String, byte[]> entryMap(TestCluster cluster, String memory, String namespace) {
        String name = cluster.member(0).getDistributedObjects().stream()
                .map(com.hazelcast.core.DistributedObject::getName)
                .filter(n -> n.startsWith(memory + ".ns.") && n.endsWith("." + namespace))
                .findFirst().orElseThrow();
        return cluster.member(0).getMap(name);
    }
}
