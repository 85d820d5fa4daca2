package io.sharedmemory.store.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A cluster of real members in this JVM, on 127.0.0.1: TCP-IP join only (multicast and auto-detection off), a random
 * cluster name and port range of its own (so that concurrent builds on the machine never meet), short heartbeats (a
 * terminated member is noticed in seconds), one synchronous backup (Hazelcast's default), phone-home and Jet off.
 */
public final class TestCluster implements AutoCloseable {
    private final String name = "sm-test-" + UUID.randomUUID();
    private final int basePort = 20_000 + ThreadLocalRandom.current().nextInt(2_000) * 10;
    private final List<HazelcastInstance> members = new ArrayList<>();

    /** Starts {@code n} members and waits until each sees all of them. */
    public static TestCluster of(int n) {
        return of(n, TestCluster::add);
    }

    /** Starts {@code n} members with {@code start} (given this cluster) and waits until each sees all of them. */
    public static TestCluster of(int n, Function<TestCluster, HazelcastInstance> start) {
        TestCluster c = new TestCluster();
        try {
            for (int i = 0; i < n; i++) {
                start.apply(c);
            }
            c.awaitSize(n);
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    public Config config() {
        Config c = tune(new Config());
        c.setClusterName(name);
        c.setProperty("hazelcast.operation.fail.on.indeterminate.state", "true");
        c.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        c.getJetConfig().setEnabled(false);
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(basePort).setPortAutoIncrement(true).setPortCount(10);
        net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        for (int p = basePort; p < basePort + 10; p++) {
            join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + p);
        }
        return c;
    }

    /**
     * The test settings of every member, also of one configured otherwise (the member component's configuration):
     * quiet, no phone-home, no wait before joining, short heartbeats (a member that stopped answering is dropped after
     * 6 s).
     */
    public static Config tune(Config c) {
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", System.getProperty("sharedmemory.test.hazelcast.logging", "none"));
        c.setProperty("hazelcast.wait.seconds.before.join", "0");
        c.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        c.setProperty("hazelcast.max.no.heartbeat.seconds", "6");
        return c;
    }

    /** The addresses members of this cluster may listen on, for a configuration of its own. */
    public List<String> addresses() {
        List<String> all = new ArrayList<>();
        for (int p = basePort; p < basePort + 10; p++) {
            all.add("127.0.0.1:" + p);
        }
        return all;
    }

    /** Starts one more member (a memory opened on it registers the store's serializers). */
    public HazelcastInstance add() {
        return start(config());
    }

    /** Starts one more member that holds data without opening a memory: configured with the store's serializers. */
    public HazelcastInstance addDataMember() {
        return start(HazelcastStore.configure(config()));
    }

    /** Starts one more member with a configuration of the caller's (which must join this cluster). */
    public HazelcastInstance start(Config config) {
        return keep(Hazelcast.newHazelcastInstance(config));
    }

    /** Counts a member started otherwise ({@link Partitions#startFirewalled}) as one of this cluster's. */
    HazelcastInstance keep(HazelcastInstance hz) {
        synchronized (members) {
            members.add(hz);
        }
        return hz;
    }

    public HazelcastInstance member(int i) {
        synchronized (members) {
            return members.get(i);
        }
    }

    public List<HazelcastInstance> members() {
        synchronized (members) {
            return List.copyOf(members);
        }
    }

    /** The members still running. */
    public List<HazelcastInstance> running() {
        return members().stream().filter(m -> m.getLifecycleService().isRunning()).toList();
    }

    public String name() {
        return name;
    }

    public int basePort() {
        return basePort;
    }

    /** Waits until every running member sees {@code n} members and the partitions are safe. */
    public void awaitSize(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<HazelcastInstance> running = running();
            boolean ok = running.size() >= n && running.stream().allMatch(m -> m.getCluster().getMembers().size() == n
                    && m.getPartitionService().isClusterSafe());
            if (ok) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the cluster did not reach " + n + " members with safe partitions in 60 s: "
                        + running.stream().map(m -> m.getCluster().getMembers().size()).toList());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        for (HazelcastInstance m : members()) {
            try {
                m.getLifecycleService().terminate();
            } catch (RuntimeException ignored) {
                // already down
            }
        }
    }
}
