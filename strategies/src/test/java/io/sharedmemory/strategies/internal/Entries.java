package io.sharedmemory.strategies.internal;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.spi.ConflictContext;
import java.time.Instant;
import java.util.Map;

/** Builds entries and contexts for the behaviour tests. */
final class Entries {
    static final String NS = "team";
    static final String KEY = "task-1";
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private Entries() {
    }

    static MemoryEntry existing(Object value) {
        return MemoryEntry.of(value, "agent-1", T0, 3, Map.of("by", "agent-1"));
    }

    static MemoryEntry incoming(Object value) {
        return MemoryEntry.of(value, "agent-2", T0.plusSeconds(5), 4, Map.of("by", "agent-2"));
    }

    static ConflictContext context(String strategy) {
        return context(strategy, WriteOptions.none(), null);
    }

    static ConflictContext context(String strategy, WriteOptions options, io.sharedmemory.api.ConflictResolver r) {
        return new ConflictContext(NS, KEY, "agent-2", options,
                NamespaceConfig.builder().conflictStrategy(strategy).conflictResolver(r).build());
    }
}
