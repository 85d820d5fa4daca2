package io.sharedmemory.store.hazelcast;

import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/** One memory on every member of a test cluster: memory i is built on member i, all with the same memory name. */
final class ClusterMemories implements AutoCloseable {
    final TestCluster cluster;
    final String name;
    final List<SharedMemory> memories = new ArrayList<>();
    final List<HazelcastStore> stores = new ArrayList<>();

    ClusterMemories(TestCluster cluster, UnaryOperator<SharedMemoryOptions.Builder> options) {
        this(cluster, newName(), options);
    }

    /** Memories of a name the members' configuration already knows (their map settings are named after it). */
    ClusterMemories(TestCluster cluster, String name, UnaryOperator<SharedMemoryOptions.Builder> options) {
        this(cluster, name, (IntFunction<UnaryOperator<SharedMemoryOptions.Builder>>) i -> options);
    }

    /** Memories with options of their own: memory i with {@code options.apply(i)}. */
    static ClusterMemories perMember(TestCluster cluster,
                                     IntFunction<UnaryOperator<SharedMemoryOptions.Builder>> options) {
        return new ClusterMemories(cluster, newName(), options);
    }

    private ClusterMemories(TestCluster cluster, String name,
                            IntFunction<UnaryOperator<SharedMemoryOptions.Builder>> options) {
        this.cluster = cluster;
        this.name = name;
        for (int i = 0; i < cluster.members().size(); i++) {
            add(i, options.apply(i));
        }
    }

    ClusterMemories(TestCluster cluster) {
        this(cluster, b -> b);
    }

    static String newName() {
        return "mem-" + UUID.randomUUID().toString().substring(0, 8);
    }

    SharedMemory add(int member, UnaryOperator<SharedMemoryOptions.Builder> options) {
        HazelcastStore store = HazelcastStore.on(cluster.member(member), name);
        SharedMemory m = SharedMemory.create(options.apply(SharedMemoryOptions.builder()
                .cleanupInterval(Duration.ZERO)).store(store).build());
        stores.add(store);
        memories.add(m);
        return m;
    }

    SharedMemory get(int i) {
        return memories.get(i);
    }

    @Override
    public void close() {
        for (SharedMemory m : memories) {
            try {
                m.destroy();
            } catch (RuntimeException ignored) {
                // its member is down
            }
        }
    }
}
