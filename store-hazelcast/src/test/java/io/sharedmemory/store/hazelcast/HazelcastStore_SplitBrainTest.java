package io.sharedmemory.store.hazelcast;

import static io.sharedmemory.store.hazelcast.HazelcastStore_MinClusterSizeTest.assertRefused;
import static io.sharedmemory.store.hazelcast.HazelcastStore_MinClusterSizeTest.changes;
import static io.sharedmemory.store.hazelcast.HazelcastStore_MinClusterSizeTest.guarded;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.store.hazelcast.internal.osgi.MemberConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real network partition between members of one JVM, cut and mended with Hazelcast's own test firewall
 * ({@link Partitions}; this class runs in the Surefire execution {@code split-brain}, which has Hazelcast's tests jar).
 * Without {@code minClusterSize} each side keeps serving; when the network heals, Hazelcast merges the smaller side
 * into the larger one: the larger side's record wins per key, a key only the smaller side has is added, and every
 * subscriber is told that it may have missed changes. With it, the smaller side refuses and the larger side serves, so
 * the merge loses nothing that was acknowledged.
 */
class HazelcastStore_SplitBrainTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeAll
    static void needsTheFirewall() {
        assumeTrue(Partitions.available(), "Hazelcast's tests jar is on the class path of the execution split-brain "
                + "only");
    }

    @Test
    void duringAPartition_eachSideKeepsServing_andAfterTheMerge_theLargerSidesRecordsWin_andEverySubscriberIsTold()
            throws Exception {
        try (TestCluster cluster = TestCluster.of(3, c -> Partitions.startFirewalled(c, mergingMember(c)));
             ClusterMemories m = new ClusterMemories(cluster)) {
            List<HazelcastInstance> larger = List.of(cluster.member(0), cluster.member(1));
            List<HazelcastInstance> smaller = List.of(cluster.member(2));
            SharedMemory big = m.get(0);
            SharedMemory small = m.get(2);
            big.createNamespace("split", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            // a key each side will change, owned by the member that will be alone (it keeps its record)
            String both = HazelcastStore_FailoverTest.keysOwnedBy(cluster.member(2), "both-", 1).get(0);
            assertTrue(big.write("split", both, "before", "writer").isWritten());
            List<List<ChangeEvent>> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                List<ChangeEvent> mine = Collections.synchronizedList(new ArrayList<>());
                seen.add(mine);
                m.get(i).subscribe("split", "watcher-" + i, mine::add);
            }
            CountDownLatch merged = new CountDownLatch(1);
            cluster.member(2).getLifecycleService().addLifecycleListener(e -> {
                if (e.getState() == LifecycleEvent.LifecycleState.MERGED) {
                    merged.countDown();
                }
            });

            Partitions.split(larger, smaller);
            await().atMost(WAIT).until(() -> larger.stream().allMatch(h -> h.getCluster().getMembers().size() == 2)
                    && cluster.member(2).getCluster().getMembers().size() == 1);
            // each side keeps serving, on its own
            WriteResult bigWrite = big.write("split", both, "larger side", "writer");
            assertEquals(2, bigWrite.version(), bigWrite::toString);
            WriteResult smallWrite = small.write("split", both, "smaller side", "writer");
            assertEquals(2, smallWrite.version(), smallWrite::toString);
            assertTrue(m.get(1).write("split", "only-larger", 1, "writer").isWritten());
            assertTrue(small.write("split", "only-smaller", 2, "writer").isWritten());
            assertEquals("larger side", m.get(1).read("split", both, "reader"));
            assertEquals("smaller side", small.read("split", both, "reader"));
            assertNull(small.read("split", "only-larger", "reader"));
            assertNull(big.read("split", "only-smaller", "reader"));
            for (int i = 0; i < 3; i++) {
                List<ChangeEvent> mine = seen.get(i);
                String expected = i < 2 ? "larger side" : "smaller side";
                await().atMost(WAIT).until(() -> changes(mine).stream().anyMatch(e -> expected.equals(e.value())));
            }
            int[] beforeMerge = seen.stream().mapToInt(List::size).toArray();

            Partitions.heal(larger, smaller);
            assertTrue(merged.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the smaller side merged into the larger");
            cluster.awaitSize(3);
            // per key, the larger side's record won; a key only the smaller side had was added (by the merge's own
            // tasks, which may still run when the member reports MERGED: looked for until they are done)
            for (int i = 0; i < 3; i++) {
                SharedMemory mem = m.get(i);
                String member = "member " + i;
                await().atMost(WAIT).untilAsserted(() -> assertEquals(2, (Integer) mem.read("split", "only-smaller",
                        "reader"), member));
                MemoryEntry e = mem.readEntry("split", both, "reader").orElseThrow();
                assertEquals("larger side", e.value(), member);
                assertEquals(2, e.version());
                assertEquals(1, (Integer) mem.read("split", "only-larger", "reader"));
            }
            // every subscriber is told it may have missed changes: on the larger side, of the key the merge added
            // (then the key as it is); on the smaller side, of any key; and its subscription goes on
            for (int i = 0; i < 3; i++) {
                List<ChangeEvent> mine = seen.get(i);
                int from = beforeMerge[i];
                String member = "member " + i + ": ";
                if (i < 2) {
                    await().atMost(WAIT).untilAsserted(() -> assertTrue(after(mine, from).stream()
                            .anyMatch(e -> e.action() == ChangeAction.WRITE && "only-smaller".equals(e.key())),
                            () -> member + after(mine, from)));
                    List<ChangeEvent> added = after(mine, from).stream().filter(e -> "only-smaller".equals(e.key()))
                            .toList();
                    assertEquals(ChangeAction.RESYNC, added.get(0).action(), member + added);
                    assertEquals(ChangeAction.WRITE, added.get(1).action(), member + added);
                    assertEquals(2, added.get(1).value());
                    assertTrue(after(mine, from).stream().noneMatch(e -> both.equals(e.key())),
                            () -> member + "the larger side's record of " + both + " did not change: "
                                    + after(mine, from));
                } else {
                    await().atMost(WAIT).untilAsserted(() -> assertTrue(after(mine, from).stream()
                            .anyMatch(e -> e.action() == ChangeAction.RESYNC && e.key() == null
                                    && ((String) e.value()).contains("rejoined the cluster after a split")),
                            () -> member + after(mine, from)));
                }
            }
            assertTrue(m.get(1).write("split", "after", 3, "writer").isWritten());
            for (List<ChangeEvent> mine : seen) {
                await().atMost(WAIT).until(() -> changes(mine).stream().anyMatch(e -> "after".equals(e.key())));
            }
        }
    }

    @Test
    void withMinClusterSize_theSmallerSideOfAPartitionRefuses_theLargerServes_andTheMergeLosesNothingAcknowledged()
            throws Exception {
        String memory = ClusterMemories.newName();
        try (TestCluster cluster = TestCluster.of(3, c -> Partitions.startFirewalled(c, merging(c, TestCluster.tune(
                MemberConfigs.of(c.name(), c.addresses().subList(0, 3), c.basePort() + c.members().size(), 1, memory,
                        2)))));
             ClusterMemories m = new ClusterMemories(cluster, memory, b -> b)) {
            List<HazelcastInstance> larger = List.of(cluster.member(0), cluster.member(1));
            HazelcastInstance alone = cluster.member(2);
            SharedMemory big = m.get(0);
            SharedMemory small = m.get(2);
            big.createNamespace("guarded", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            String key = HazelcastStore_FailoverTest.keysOwnedBy(alone, "k-", 1).get(0);
            assertTrue(big.write("guarded", key, "before", "writer").isWritten());
            CountDownLatch merged = new CountDownLatch(1);
            alone.getLifecycleService().addLifecycleListener(e -> {
                if (e.getState() == LifecycleEvent.LifecycleState.MERGED) {
                    merged.countDown();
                }
            });

            Partitions.split(larger, List.of(alone));
            await().atMost(WAIT).until(() -> alone.getCluster().getMembers().size() == 1 && !guarded(alone)
                    && larger.stream().allMatch(h -> h.getCluster().getMembers().size() == 2
                    && guarded(h)));
            WriteResult refused = small.write("guarded", key, "smaller side", "writer");
            assertEquals(WriteResult.Status.STORE_UNAVAILABLE, refused.status(), refused::toString);
            assertTrue(refused.message().contains("minority side of a split cluster"), refused.message());
            assertEquals(WriteResult.Status.STORE_UNAVAILABLE, small.write("guarded", "new", 1, "writer").status());
            assertNull(small.read("guarded", key, "reader"));
            assertRefused(small, AccessAction.READ, key);
            List<String> acknowledged = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                WriteResult w = m.get(i % 2).write("guarded", "larger-" + i, i, "writer");
                assertTrue(w.isWritten(), w::toString);
                acknowledged.add("larger-" + i);
            }
            assertEquals(2, big.write("guarded", key, "larger side", "writer").version());

            Partitions.heal(larger, List.of(alone));
            assertTrue(merged.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the smaller side merged into the larger");
            cluster.awaitSize(3);
            await().atMost(WAIT).until(() -> guarded(alone));
            // the member that was alone serves again, with everything the larger side acknowledged
            for (String k : acknowledged) {
                assertEquals(Integer.parseInt(k.substring("larger-".length())), (Integer) small.read("guarded", k,
                        "reader"), k);
            }
            MemoryEntry e = small.readEntry("guarded", key, "reader").orElseThrow();
            assertEquals("larger side", e.value());
            assertEquals(2, e.version());
            assertEquals(Optional.empty(), small.readEntry("guarded", "new", "reader"));
            assertEquals(3, small.write("guarded", key, "after", "writer").version());
            assertEquals("after", big.read("guarded", key, "reader"));
        }
    }

    /** Looks for the other side of a split every second (see {@link #mergingMember}). */
    private static Config merging(TestCluster cluster, Config c) {
        c.setProperty("hazelcast.merge.first.run.delay.seconds", "1");
        c.setProperty("hazelcast.merge.next.run.delay.seconds", "1");
        return c;
    }

    /**
     * A member of a 3-member test cluster whose split-brain handler looks for the other side every second. Each member
     * has its own port and knows only the three: the handler tries every address it knows that is not a member of its
     * side, and waits 5 s for each one that does not answer.
     */
    private static Config mergingMember(TestCluster cluster) {
        Config c = merging(cluster, cluster.config());
        c.getNetworkConfig().setPort(cluster.basePort() + cluster.members().size()).setPortAutoIncrement(false);
        c.getNetworkConfig().getJoin().getTcpIpConfig().setMembers(cluster.addresses().subList(0, 3));
        return c;
    }

    private static List<ChangeEvent> after(List<ChangeEvent> seen, int from) {
        synchronized (seen) {
            return List.copyOf(seen.subList(from, seen.size()));
        }
    }
}
