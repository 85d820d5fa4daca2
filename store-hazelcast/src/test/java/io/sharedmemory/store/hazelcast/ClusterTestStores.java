package io.sharedmemory.store.hazelcast;

import io.sharedmemory.store.MemoryStore;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The stores the engine's own suite runs on (system property {@code sharedmemory.test.store}): one 3-member cluster in
 * this JVM, formed the first time a store is asked for and ended with the JVM; every store a memory of its own on it
 * (so each test starts empty), whose operations go through the three members in turn — the agents' operations spread
 * over the members.
 */
public final class ClusterTestStores implements Supplier<MemoryStore> {
    private static final class Shared {
        static final TestCluster CLUSTER = TestCluster.of(3);

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(CLUSTER::close, "test-cluster-stop"));
        }
    }

    @Override
    public MemoryStore get() {
        return HazelcastStore.spread(Shared.CLUSTER.members(), "m-" + UUID.randomUUID().toString().substring(0, 12));
    }
}
