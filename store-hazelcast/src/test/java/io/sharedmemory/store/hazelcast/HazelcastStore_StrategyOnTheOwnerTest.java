package io.sharedmemory.store.hazelcast;

import static io.sharedmemory.store.hazelcast.HazelcastStore_FailoverTest.keysOwnedBy;
import static io.sharedmemory.store.hazelcast.HazelcastStore_MinClusterSizeTest.changes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.Resolution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A write's conflict strategy runs on the key's owner, with the owner's strategies: a strategy the calling member has
 * but the owner lacks refuses the write there ({@code STRATEGY_UNAVAILABLE}, new keys included) and nothing changes —
 * no value, no version, no room of the namespace's limit, no event. Where the owner has it, it decides.
 */
class HazelcastStore_StrategyOnTheOwnerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MAX_VALUE = "max-value";

    /** Keeps the larger number: a strategy only member 0 has. */
    private static final class MaxValue implements ConflictStrategy {
        @Override
        public String name() {
            return MAX_VALUE;
        }

        @Override
        public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
            return ((Integer) incoming.value()) > ((Integer) existing.value()) ? Resolution.accept()
                    : Resolution.reject("not larger than " + existing.value());
        }
    }

    @Test
    void aStrategyMissingOnTheKeysOwner_refusesTheWrite_andNothingChanges() throws Exception {
        try (TestCluster cluster = TestCluster.of(2);
             ClusterMemories m = ClusterMemories.perMember(cluster, i -> i == 0 ? b -> b.plugin(new MaxValue())
                     : b -> b)) {
            SharedMemory caller = m.get(0);
            SharedMemory owner = m.get(1);
            List<String> remote = keysOwnedBy(cluster.member(1), "remote-", 2);
            String existing = remote.get(0);
            String fresh = remote.get(1);
            String local = keysOwnedBy(cluster.member(0), "local-", 1).get(0);
            NamespaceConfig latestWins = NamespaceConfig.builder().defaultPermission(Permission.WRITE).maxEntries(10)
                    .build();
            caller.createNamespace("ns", latestWins);
            assertTrue(caller.write("ns", existing, 5, "writer").isWritten());
            // from here on the namespace decides with a strategy that member 1, the owner of the remote keys, lacks
            caller.createNamespace("ns", latestWins.toBuilder().conflictStrategy(MAX_VALUE).build());
            assertEquals(MAX_VALUE, owner.getNamespaceConfig("ns").orElseThrow().conflictStrategy());
            List<List<ChangeEvent>> seen = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                List<ChangeEvent> mine = Collections.synchronizedList(new ArrayList<>());
                seen.add(mine);
                m.get(i).subscribe("ns", "watcher", mine::add);
            }
            List<MemoryEvent> conflicts = Collections.synchronizedList(new ArrayList<>());
            caller.on(EventType.MEMORY_CONFLICT, conflicts::add);
            long rooms = m.stores.get(0).roomsUsed("ns");

            WriteResult update = caller.write("ns", existing, 9, "writer");
            assertEquals(WriteResult.Status.STRATEGY_UNAVAILABLE, update.status(), update::toString);
            assertTrue(update.message().contains("not available on the cluster member that owns the key"),
                    update.message());
            assertEquals(1, update.version(), "the key's version, unchanged");
            WriteResult added = caller.write("ns", fresh, 9, "writer");
            assertEquals(WriteResult.Status.STRATEGY_UNAVAILABLE, added.status(), added::toString);
            AccessLogEntry logged = caller.getAccessLog().get(caller.getAccessLog().size() - 1);
            assertEquals(fresh, logged.key());
            assertEquals(update.message(), caller.getAccessLog().get(caller.getAccessLog().size() - 2).error());
            await().atMost(WAIT).until(() -> conflicts.size() == 2);
            assertTrue(conflicts.stream().allMatch(e -> "strategy_unavailable".equals(e.reason())),
                    conflicts::toString);
            // where the owner has the strategy, it decides
            assertEquals(1, caller.write("ns", local, 7, "writer").version());
            WriteResult smaller = caller.write("ns", local, 3, "writer");
            assertEquals(WriteResult.Status.REJECTED, smaller.status(), smaller::toString);

            // nothing changed: value, version and rooms, seen through either member
            for (SharedMemory mem : m.memories) {
                MemoryEntry e = mem.readEntry("ns", existing, "reader").orElseThrow();
                assertEquals(5, e.value());
                assertEquals(1, e.version());
                assertEquals(Optional.empty(), mem.readEntry("ns", fresh, "reader"));
            }
            assertEquals(rooms + 1, m.stores.get(0).roomsUsed("ns"), "one room: the local key's");
            // and no event: once the namespace is back on a strategy every member has, the next change of the
            // existing key is its version 2 (each key's events come in order), and the fresh key's first is version 1
            caller.createNamespace("ns", latestWins);
            assertEquals(2, caller.write("ns", existing, 11, "writer").version());
            assertEquals(1, owner.write("ns", fresh, 12, "writer").version());
            for (List<ChangeEvent> mine : seen) {
                await().atMost(WAIT).until(() -> changes(mine).size() >= 3);
                assertEquals(Stream.of(existing + " 2", fresh + " 1", local + " 1").sorted().toList(),
                        changes(mine).stream().map(e -> e.key() + " " + e.version())
                                .sorted().toList());
            }
        }
    }
}
