package io.sharedmemory.store.hazelcast.internal.osgi;

import com.hazelcast.config.Config;
import java.lang.annotation.Annotation;
import java.util.List;

/** The member component's own configuration of a member ({@link HazelcastMemberComponent#config}), for tests. */
public final class MemberConfigs {
    /** The name of the split-brain protection that {@code minClusterSize} configures. */
    public static final String MIN_SIZE_PROTECTION = HazelcastMemberComponent.MIN_SIZE_PROTECTION;

    private MemberConfigs() {
    }

    /**
     * @param cluster the cluster's name
     * @param members the addresses to join
     * @param port this member's port
     * @param backupCount the component's {@code backupCount}
     * @param memory the component's {@code memory}
     * @param minClusterSize the component's {@code minClusterSize}
     * @return the configuration the component would start its member with
     */
    public static Config of(String cluster, List<String> members, int port, int backupCount, String memory,
                            int minClusterSize) {
        HazelcastMemberComponent.Settings settings = new HazelcastMemberComponent.Settings() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return HazelcastMemberComponent.Settings.class;
            }

            @Override
            public String clusterName() {
                return cluster;
            }

            @Override
            public String[] members() {
                return members.toArray(String[]::new);
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public String networkInterface() {
                return "127.0.0.1";
            }

            @Override
            public int backupCount() {
                return backupCount;
            }

            @Override
            public String memory() {
                return memory;
            }

            @Override
            public int minClusterSize() {
                return minClusterSize;
            }
        };
        return HazelcastMemberComponent.config(settings, MemberConfigs.class.getClassLoader());
    }
}
