package io.sharedmemory.benchmarks;

import static io.sharedmemory.benchmarks.Fixtures.AGENT;
import static io.sharedmemory.benchmarks.Fixtures.KEY;
import static io.sharedmemory.benchmarks.Fixtures.KEYS;
import static io.sharedmemory.benchmarks.Fixtures.NAMESPACE;
import static io.sharedmemory.benchmarks.Fixtures.VALUE;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.store.hazelcast.HazelcastStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The {@code hazelcast-cluster} section: three members on loopback in the fork's JVM (TCP-IP join, one synchronous
 * backup, as a deployment would have), the same {@value Fixtures#KEYS} keys and small map values as the other
 * workloads, the operations made through member 0 — so two keys in three are owned by another member, a network hop
 * away. {@code engine-on-cluster}: a memory on every member, as deployed, and the operations through the engine with
 * {@code HazelcastStore.on(member 0)} ({@code read}, and a latest-wins {@code write}: an entry processor running the
 * engine's step on the key's owner, plus the engine's checks and audit). {@code imap-on-cluster}: the same operations
 * done directly on an {@link IMap} of that cluster ({@code get}; an entry processor that stores the value). Targets:
 * engine read ≥ 0.8 × get, engine write ≥ 0.6 × the entry processor.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.XMS, Jvm.XMX, Jvm.PRETOUCH, Jvm.HZ1, Jvm.HZ2, Jvm.HZ3, Jvm.HZ4, Jvm.HZ5, Jvm.HZ6})
public class ClusterWorkloads {
    static final String ENGINE_ON_CLUSTER = "engine-on-cluster";
    static final String IMAP_ON_CLUSTER = "imap-on-cluster";

    @Param({ENGINE_ON_CLUSTER, IMAP_ON_CLUSTER})
    public String subject;

    private final List<HazelcastInstance> members = new ArrayList<>();
    private final List<SharedMemory> others = new ArrayList<>();
    private SharedMemory memory;
    private IMap<String, Map<String, Object>> map;

    @Setup(Level.Trial)
    public void setUp() {
        String cluster = "sm-bench-" + ProcessHandle.current().pid();
        int base = 24_000 + ThreadLocalRandom.current().nextInt(1_000) * 4;
        for (int i = 0; i < 3; i++) {
            // every member's configuration carries the store's serializers (for the IMap subject, which opens no
            // memory, they are simply unused)
            members.add(Hazelcast.newHazelcastInstance(HazelcastStore.configure(config(cluster, base))));
        }
        while (members.stream().anyMatch(m -> m.getCluster().getMembers().size() < 3
                || !m.getPartitionService().isClusterSafe())) {
            try {
                Thread.sleep(20); // the cluster forms in the background; setup only
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (subject.equals(ENGINE_ON_CLUSTER)) {
            memory = SharedMemory.create(SharedMemoryOptions.builder().store(HazelcastStore.on(members.get(0)))
                    .build());
            // as deployed, every member runs the memory: each key's step is decided by its owner's engine
            for (int i = 1; i < 3; i++) {
                others.add(SharedMemory.create(SharedMemoryOptions.builder().store(HazelcastStore.on(members.get(i)))
                        .build()));
            }
            memory.createNamespace(NAMESPACE, NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            for (int i = 0; i < KEYS; i++) {
                EngineSubject.check(memory.write(NAMESPACE, KEY[i], VALUE.get(i), AGENT));
            }
        } else {
            map = members.get(0).getMap(NAMESPACE);
            for (int i = 0; i < KEYS; i++) {
                map.set(KEY[i], VALUE.get(i));
            }
        }
    }

    static Config config(String cluster, int base) {
        Config c = new Config();
        c.setClusterName(cluster);
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", "none");
        c.setProperty("hazelcast.wait.seconds.before.join", "0");
        c.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.getJetConfig().setEnabled(false);
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(base).setPortAutoIncrement(true).setPortCount(4);
        net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        for (int p = base; p < base + 4; p++) {
            join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + p);
        }
        return c;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (memory != null) {
            memory.destroy();
        }
        others.forEach(SharedMemory::destroy);
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    @Benchmark
    public Object read(Workloads.Rand r, CpuMeter cpu) {
        String key = KEY[r.rng.next(KEYS)];
        Object v = memory != null ? memory.read(NAMESPACE, key, AGENT) : map.get(key);
        if (v == null) {
            throw new IllegalStateException(subject + " lost a key");
        }
        return v;
    }

    @Benchmark
    public Object write(Workloads.Rand r, CpuMeter cpu) {
        String key = KEY[r.rng.next(KEYS)];
        Map<String, Object> value = VALUE.get(r.rng.next(KEYS));
        return memory != null ? memory.write(NAMESPACE, key, value, AGENT)
                : map.executeOnKey(key, new SetValue(value));
    }

    /** The raw update: an entry processor that stores the value on the key's owner (its backups run it too). */
    public static final class SetValue implements EntryProcessor<String, Map<String, Object>, Object>,
            DataSerializable {
        private static final long serialVersionUID = 1L;
        private Map<String, Object> value;

        public SetValue() {
        }

        SetValue(Map<String, Object> value) {
            this.value = value;
        }

        @Override
        public Object process(Map.Entry<String, Map<String, Object>> entry) {
            entry.setValue(value);
            return null;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeObject(value);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            value = in.readObject();
        }
    }
}
