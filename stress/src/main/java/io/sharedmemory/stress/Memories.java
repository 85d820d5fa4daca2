package io.sharedmemory.stress;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import io.sharedmemory.spi.Resolution;
import java.time.Duration;

/** Small memories for the jcstress states: no ServiceLoader plugins, no sweeper thread. */
final class Memories {
    static final String NS = "ns";
    static final String ADMIN = "admin";

    private Memories() {
    }

    static final ConflictStrategy LATEST_WINS = new ConflictStrategy() {
        @Override
        public String name() {
            return NamespaceConfig.LATEST_WINS;
        }

        @Override
        public Resolution resolve(io.sharedmemory.api.MemoryEntry existing, io.sharedmemory.api.MemoryEntry incoming,
                                  ConflictContext context) {
            return Resolution.accept();
        }
    };

    static final PermissionProvider OVERRIDES = (namespace, agentId, config) ->
            config.permissions().getOrDefault(agentId, config.defaultPermission());

    static SharedMemory create() {
        SharedMemory m = SharedMemory.create(SharedMemoryOptions.builder().serviceLoader(false)
                .cleanupInterval(Duration.ZERO).plugin(LATEST_WINS).plugin(OVERRIDES).build());
        m.createNamespace(NS, NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .permission(ADMIN, Permission.ADMIN).build());
        return m;
    }
}
