package io.sharedmemory.store.hazelcast;

import io.sharedmemory.engine.conformance.StoreConformance;
import io.sharedmemory.store.MemoryStore;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store conformance suite every store passes, on a 3-member cluster in this JVM: each store is a memory of its own
 * on the cluster, and its operations go through the three members in turn.
 */
class HazelcastStore_ConformanceTest extends StoreConformance {
    private static TestCluster cluster;

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

    @Override
    protected MemoryStore newStore() {
        return HazelcastStore.spread(cluster.members(), "conformance-" + UUID.randomUUID().toString().substring(0, 8));
    }
}
