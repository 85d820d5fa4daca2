package io.sharedmemory.store.hazelcast.internal.osgi;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import com.hazelcast.partition.PartitionService;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.hazelcast.HazelcastStore;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The shell command {@code sm:cluster}: the cluster's members and whether its partitions are safe (every partition
 * has an owner and its backups in step, no migration running) — so an operator knows whether one more member may fail
 * without losing data. A plain Gogo command registered by service properties, so this bundle needs no shell API.
 */
@Component(service = ClusterCommand.class,
        property = {"osgi.command.scope=sm", "osgi.command.function=cluster"})
public final class ClusterCommand {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            target = "(" + MemoryStore.NAME_PROPERTY + "=" + HazelcastStore.NAME + ")")
    private volatile MemoryStore store;

    /**
     * Prints the members and the partitions' safety, or why there is no cluster. Printed, not returned: Gogo prints a
     * command's result, but Karaf's command channel ({@code bin/client}) shows only what the command printed, and both
     * shells route {@code System.out} to the command's session while it runs.
     */
    public void cluster() {
        System.out.println(describe(store));
    }

    static String describe(MemoryStore store) {
        if (!(store instanceof HazelcastStore hs)) {
            return "No cluster member runs here (configure io.sharedmemory.store.hazelcast to start one)";
        }
        HazelcastInstance hz = hs.instance();
        if (!hz.getLifecycleService().isRunning()) {
            return "This cluster member is not running";
        }
        StringBuilder out = new StringBuilder();
        Set<Member> members = hz.getCluster().getMembers();
        out.append("cluster ").append(hz.getConfig().getClusterName()).append(", memory ").append(hs.memory())
                .append(": ").append(members.size()).append(members.size() == 1 ? " member" : " members")
                .append('\n');
        PartitionService partitions = hz.getPartitionService();
        Set<Partition> all = partitions.getPartitions();
        for (Member m : members) {
            long owned = all.stream().filter(p -> m.equals(p.getOwner())).count();
            out.append("  ").append(m.getAddress()).append("  ").append(m.getUuid())
                    .append(m.localMember() ? "  (this member)" : "")
                    .append(m.isLiteMember() ? "  lite" : "").append("  owns ").append(owned)
                    .append(" partitions").append(partitions.isMemberSafe(m) ? "" : ", backups not in sync")
                    .append('\n');
        }
        long ownerless = all.stream().filter(p -> p.getOwner() == null).count();
        boolean safe = partitions.isClusterSafe();
        out.append("partitions: ").append(all.size()).append(", ")
                .append(ownerless == 0 ? "every one owned" : ownerless + " without owner").append("; ")
                .append(safe ? "safe (every partition's backups in sync, no migration running): one member may "
                        + "fail without losing an acknowledged write" : "NOT safe: migrations or backups in "
                        + "progress; wait before stopping another member");
        for (Map.Entry<String, String> d : hs.describe().entrySet()) {
            if (d.getKey().equals("backups") || d.getKey().equals("access log")) {
                out.append('\n').append(d.getKey()).append(": ").append(d.getValue());
            }
        }
        return out.toString();
    }
}
