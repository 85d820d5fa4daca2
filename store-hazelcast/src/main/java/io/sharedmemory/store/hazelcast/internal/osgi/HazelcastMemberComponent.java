package io.sharedmemory.store.hazelcast.internal.osgi;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.hazelcast.HazelcastStore;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * This framework as a member of a Hazelcast cluster, configured under the PID {@value #PID} (nothing runs without that
 * configuration). Activation starts the member and waits until it has joined (or formed) the cluster, then registers
 * its store as the {@link MemoryStore} service named {@value HazelcastStore#NAME}, which the engine uses with
 * {@code store=hazelcast}: so in the distribution, whose bundles start in order, the engine and the namespaces
 * declared in {@code conf/} find the store at once (a member that cannot start fails the activation, logged, and the
 * engine refuses every operation naming the missing store). A changed configuration restarts the member. The member is
 * bound to the configured interface (loopback by default), joins by TCP-IP only (multicast and auto-detection off),
 * sends nothing home and is shut down, gracefully, when the component deactivates.
 */
@Component(configurationPid = HazelcastMemberComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = HazelcastMemberComponent.Settings.class)
public final class HazelcastMemberComponent {
    /** The member's configuration PID. */
    public static final String PID = "io.sharedmemory.store.hazelcast";
    /** The name of the split-brain protection that {@code minClusterSize} configures. */
    static final String MIN_SIZE_PROTECTION = "sharedmemory-min-size";
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.store.hazelcast");

    @ObjectClassDefinition(name = "sharedmemory cluster member",
            description = "This process as a member of a Hazelcast cluster that holds one shared memory. Every member "
                    + "must have the same cluster name, memory name and strategy bundles.")
    @interface Settings {
        @AttributeDefinition(name = "Cluster name", description = "Members join only clusters of their own name.")
        String clusterName() default "sharedmemory";

        @AttributeDefinition(name = "Members", description = "Addresses of members to join by TCP-IP "
                + "(host:port, comma-separated); this member's own address may be among them.")
        String[] members() default {"127.0.0.1:5701"};

        @AttributeDefinition(name = "Port", description = "The port this member listens on.", min = "1", max = "65535")
        int port() default 5701;

        @AttributeDefinition(name = "Interface", description = "The address this member binds to and announces; "
                + "127.0.0.1 keeps the cluster on this machine.")
        String networkInterface() default "127.0.0.1";

        @AttributeDefinition(name = "Backup count", description = "Synchronous backups of every entry, namespace "
                + "and room counter: a write is acknowledged once they have it, so this many members may fail at "
                + "once without losing an acknowledged write.", min = "0", max = "6")
        int backupCount() default 1;

        @AttributeDefinition(name = "Memory", description = "The memory's name: the prefix of its maps.")
        String memory() default HazelcastStore.DEFAULT_MEMORY;

        @AttributeDefinition(name = "Minimum cluster size", description = "Split-brain protection: a member in a "
                + "cluster of fewer members (the smaller side of a split, or the survivors of failures) refuses every "
                + "read, write and broadcast of the memory (writes answer STORE_UNAVAILABLE; nothing changes) until "
                + "the cluster has that many again; 0 turns it off (each side keeps serving alone).", min = "0")
        int minClusterSize() default 0;
    }

    private final HazelcastInstance member;
    private final ServiceRegistration<MemoryStore> registration;

    @Activate
    public HazelcastMemberComponent(BundleContext context, Settings settings) {
        Config config = config(settings, getClass().getClassLoader());
        member = Hazelcast.newHazelcastInstance(config);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(MemoryStore.NAME_PROPERTY, HazelcastStore.NAME);
        props.put("sharedmemory.cluster.name", config.getClusterName());
        try {
            registration = context.registerService(MemoryStore.class, HazelcastStore.on(member, settings.memory()),
                    props);
        } catch (RuntimeException e) {
            member.shutdown();
            throw e;
        }
        LOG.log(Level.INFO, "sharedmemory: cluster member " + member.getCluster().getLocalMember().getAddress()
                + " is in cluster " + config.getClusterName() + " (" + member.getCluster().getMembers().size()
                + (member.getCluster().getMembers().size() == 1 ? " member)" : " members)"));
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping
        }
        member.shutdown();
    }

    /** The member's configuration from the settings. */
    static Config config(Settings s, ClassLoader loader) {
        Config c = new Config();
        c.setClassLoader(loader);
        c.setClusterName(s.clusterName());
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        c.setProperty("hazelcast.operation.fail.on.indeterminate.state", "true");
        // its periodic load reports would interleave with the shell's prompt; members joining and leaving still log
        c.setProperty("hazelcast.health.monitoring.level", "OFF");
        c.getJetConfig().setEnabled(false);
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(s.port()).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface(s.networkInterface());
        c.setProperty("hazelcast.local.localAddress", s.networkInterface());
        c.setProperty("hazelcast.socket.bind.any", "false");
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        List<String> members = Arrays.stream(s.members()).flatMap(m -> Arrays.stream(m.split(",")))
                .map(String::strip).filter(m -> !m.isEmpty()).toList();
        join.getTcpIpConfig().setEnabled(true).setMembers(members);
        String prefix = s.memory() + ".";
        MapConfig maps = new MapConfig(prefix + "*").setBackupCount(s.backupCount()).setAsyncBackupCount(0);
        // the broadcasts' reliable topic keeps its messages in this ring buffer
        RingbufferConfig broadcasts = new RingbufferConfig("_hz_rb_" + prefix + "*").setBackupCount(s.backupCount());
        if (s.minClusterSize() > 0) {
            c.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(MIN_SIZE_PROTECTION, true,
                    s.minClusterSize()));
            maps.setSplitBrainProtectionName(MIN_SIZE_PROTECTION);
            broadcasts.setSplitBrainProtectionName(MIN_SIZE_PROTECTION);
        }
        c.addMapConfig(maps);
        c.addRingBufferConfig(broadcasts);
        HazelcastStore.configure(c);
        return c;
    }
}
