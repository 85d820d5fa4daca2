package io.sharedmemory.benchmarks;

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
import java.io.IOException;
import java.util.Map;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a Java user would otherwise pick: an embedded single-member Hazelcast {@link IMap} with its defaults (BINARY
 * in-memory format, no near cache), bound to 127.0.0.1 with every join method off, Jet off and phone-home off — so
 * every operation is member-local, with no network.
 */
final class HazelcastSubject implements Subject {
    final HazelcastInstance hz;
    final IMap<String, Map<String, Object>> map;
    private final IMap<String, Map<String, Object>> mergeMap;
    private final IMap<String, Versioned> casMap;

    HazelcastSubject() {
        hz = Hazelcast.newHazelcastInstance(config());
        map = hz.getMap(Fixtures.NAMESPACE);
        mergeMap = hz.getMap(Fixtures.MERGE_NAMESPACE);
        casMap = hz.getMap("bench-cas");
    }

    static Config config() {
        Config cfg = new Config();
        cfg.setClusterName("sharedmemory-bench-" + ProcessHandle.current().pid());
        cfg.setProperty("hazelcast.phone.home.enabled", "false");
        cfg.setProperty("hazelcast.logging.type", "none");
        cfg.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        cfg.setProperty("hazelcast.socket.bind.any", "false");
        cfg.getJetConfig().setEnabled(false);
        NetworkConfig net = cfg.getNetworkConfig();
        net.setPort(5701).setPortAutoIncrement(true).setPortCount(500);
        net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getAwsConfig().setEnabled(false);
        join.getGcpConfig().setEnabled(false);
        join.getAzureConfig().setEnabled(false);
        join.getKubernetesConfig().setEnabled(false);
        join.getEurekaConfig().setEnabled(false);
        return cfg;
    }

    /**
     * A value with its version, so that {@code replace(k, old, new)} (which compares the serialized forms) is a version
     * CAS like the engine's. DataSerializable, as a Hazelcast user who cares about speed would write it.
     */
    public static final class Versioned implements DataSerializable {
        long version;
        Map<String, Object> value;

        public Versioned() {
        }

        Versioned(long version, Map<String, Object> value) {
            this.version = version;
            this.value = value;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeLong(version);
            out.writeObject(value);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            version = in.readLong();
            value = in.readObject();
        }
    }

    /** The merge as an entry processor: runs atomically on the key's partition thread, returns nothing. */
    public static final class MergeProcessor
            implements EntryProcessor<String, Map<String, Object>, Object>, DataSerializable {
        private static final long serialVersionUID = 1L;
        private Map<String, Object> patch;

        public MergeProcessor() {
        }

        MergeProcessor(Map<String, Object> patch) {
            this.patch = patch;
        }

        @Override
        public Object process(Map.Entry<String, Map<String, Object>> entry) {
            Map<String, Object> old = entry.getValue();
            entry.setValue(old == null ? patch : Fixtures.merged(old, patch));
            return null;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeObject(patch);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            patch = in.readObject();
        }
    }

    @Override
    public void preload() {
        for (int i = 0; i < Fixtures.KEYS; i++) {
            map.set(Fixtures.KEY[i], Fixtures.VALUE.get(i));
            mergeMap.set(Fixtures.KEY[i], Fixtures.VALUE.get(i));
            casMap.set(Fixtures.KEY[i], new Versioned(1, Fixtures.VALUE.get(i)));
        }
        Map<String, Object> before = mergeMap.get(Fixtures.KEY[0]);
        merge(Fixtures.KEY[0], Fixtures.PATCH.get(0));
        if (!mergeMap.get(Fixtures.KEY[0]).equals(Fixtures.merged(before, Fixtures.PATCH.get(0)))) {
            throw new IllegalStateException("IMap merge did not merge");
        }
    }

    @Override
    public Object read(String key) {
        return map.get(key);
    }

    /** {@code set}, not {@code put}: like the engine's write, it does not hand back (and deserialize) the old value. */
    @Override
    public Object write(String key, Map<String, Object> value) {
        map.set(key, value);
        return map;
    }

    @Override
    public Object merge(String key, Map<String, Object> patch) {
        return mergeMap.executeOnKey(key, new MergeProcessor(patch));
    }

    @Override
    public boolean casAttempt(String key, Map<String, Object> value, Blackhole bh) {
        Versioned old = casMap.get(key);
        return casMap.replace(key, old, new Versioned(old.version + 1, value));
    }

    @Override
    public void close() {
        hz.shutdown();
    }
}
