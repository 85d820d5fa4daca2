package io.sharedmemory.store.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.impl.DefaultNodeContext;
import com.hazelcast.instance.impl.HazelcastInstanceFactory;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Member;
import com.hazelcast.internal.server.ServerConnectionManager;
import com.hazelcast.test.Accessors;
import com.hazelcast.test.TestHazelcastInstanceFactory;
import java.util.List;

/**
 * A real network partition between members started with {@link #startFirewalled}: Hazelcast's own test
 * firewall (from its test jar, the technique of its split-brain tests) refuses new connections between the two sides
 * and closes the open ones, and each member is told to suspect the other side (as its heartbeat monitor would after
 * {@code hazelcast.max.no.heartbeat.seconds}), so each side forms a cluster of its own. {@link #heal} lets connections
 * through again; then Hazelcast's split-brain handler (every {@code hazelcast.merge.next.run.delay.seconds}) finds the
 * other side and merges the smaller cluster into the larger one, as after a real partition.
 */
final class Partitions {
    private Partitions() {
    }

    /** @return whether Hazelcast's tests jar, with its firewall, is on the class path */
    static boolean available() {
        try {
            Class.forName("com.hazelcast.test.TestHazelcastInstanceFactory$FirewallingNodeContext", false,
                    Partitions.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * Starts one more member of {@code cluster} whose network layer has the test firewall: a real member on real
     * sockets, between which and another member the test can cut the network and mend it.
     */
    static HazelcastInstance startFirewalled(TestCluster cluster, Config config) {
        return cluster.keep(HazelcastInstanceFactory.newHazelcastInstance(config, null,
                new TestHazelcastInstanceFactory.FirewallingNodeContext(new DefaultNodeContext())));
    }

    static void split(List<HazelcastInstance> one, List<HazelcastInstance> other) {
        for (HazelcastInstance a : one) {
            for (HazelcastInstance b : other) {
                block(a, b);
                block(b, a);
            }
        }
        for (HazelcastInstance a : one) {
            for (HazelcastInstance b : other) {
                suspect(a, b);
                suspect(b, a);
            }
        }
    }

    static void heal(List<HazelcastInstance> one, List<HazelcastInstance> other) {
        for (HazelcastInstance a : one) {
            for (HazelcastInstance b : other) {
                firewall(a, "unblock", b);
                firewall(b, "unblock", a);
            }
        }
    }

    private static void block(HazelcastInstance from, HazelcastInstance to) {
        firewall(from, "blockNewConnection", to);
        firewall(from, "closeActiveConnection", to);
    }

    private static void suspect(HazelcastInstance by, HazelcastInstance suspected) {
        Node node = Accessors.getNode(by);
        // the member as this node knows it (not the other node's own, local, instance)
        Member member = node.getClusterService().getMember(Accessors.getNode(suspected).getThisAddress());
        if (member != null) {
            node.getClusterService().suspectMember(member, "network partition made by the test", true);
        }
    }

    /**
     * Calls the firewall of {@code hz}'s member connections about {@code other}'s address. By reflection: its class
     * ({@code com.hazelcast.internal.server.FirewallingServer}) is in a package of Hazelcast's main jar, which the
     * compiler, seeing that jar as a module, does not let the test jar add to.
     */
    private static void firewall(HazelcastInstance hz, String method, HazelcastInstance other) {
        ServerConnectionManager manager = Accessors.getNode(hz).getServer()
                .getConnectionManager(EndpointQualifier.MEMBER);
        try {
            manager.getClass().getMethod(method, Address.class).invoke(manager,
                    Accessors.getNode(other).getThisAddress());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("member " + hz.getName() + " has no test firewall (start it with "
                    + "Partitions.startFirewalled): " + e, e);
        }
    }
}
