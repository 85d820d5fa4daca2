package io.sharedmemory.engine.internal;

import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.spi.AccessLog;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import io.sharedmemory.spi.Resolution;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/** Minimal plugins for the engine's own unit tests; the real ones live in their bundles and have their own tests. */
public final class TestPlugins {
    private TestPlugins() {
    }

    public static ConflictStrategy strategy(String name, BiFunction<MemoryEntry, MemoryEntry, Resolution> decide) {
        return strategy(name, decide, () -> false);
    }

    /** A strategy whose {@code acceptsEveryWrite()} answers what {@code acceptsEveryWrite} says (or throws). */
    public static ConflictStrategy strategy(String name, BiFunction<MemoryEntry, MemoryEntry, Resolution> decide,
                                     BooleanSupplier acceptsEveryWrite) {
        return new ConflictStrategy() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
                return decide.apply(existing, incoming);
            }

            @Override
            public boolean acceptsEveryWrite() {
                return acceptsEveryWrite.getAsBoolean();
            }
        };
    }

    public static ConflictStrategy latestWins() {
        return strategy(NamespaceConfig.LATEST_WINS, (a, b) -> Resolution.accept());
    }

    public static ConflictStrategy firstWins() {
        return strategy(NamespaceConfig.FIRST_WINS, (a, b) -> Resolution.reject("already written"));
    }

    public static PermissionProvider overridesThenDefault() {
        return new PermissionProvider() {
            @Override
            public Permission permission(String namespace, String agentId, NamespaceConfig config) {
                return config.permissions().getOrDefault(agentId, config.defaultPermission());
            }
        };
    }

    /** An unbounded synchronized list: enough to observe what the engine records. */
    public static final class ListLog implements AccessLog {
        final List<AccessLogEntry> entries = new ArrayList<>();
        int capacity;

        @Override
        public synchronized void record(AccessLogEntry entry) {
            entries.add(entry);
        }

        @Override
        public synchronized List<AccessLogEntry> query(AccessLogQuery query) {
            List<AccessLogEntry> out = new ArrayList<>();
            for (AccessLogEntry e : entries) {
                if (query.matches(e)) {
                    out.add(e);
                }
            }
            int limit = query.limit();
            return limit > 0 && out.size() > limit ? new ArrayList<>(out.subList(out.size() - limit, out.size()))
                    : out;
        }

        @Override
        public synchronized long size() {
            return entries.size();
        }

        @Override
        public synchronized void capacity(int maxEntries) {
            capacity = maxEntries;
        }
    }
}
