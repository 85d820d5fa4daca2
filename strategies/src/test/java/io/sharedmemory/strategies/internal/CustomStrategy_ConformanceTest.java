package io.sharedmemory.strategies.internal;

import io.sharedmemory.api.ConflictResolver;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.strategies.conformance.ConflictStrategyConformance;
import java.util.List;
import java.util.Map;

/** Runs the suite over every kind of resolver outcome: none, reject, accept, replace, null and throwing. */
class CustomStrategy_ConformanceTest extends ConflictStrategyConformance {
    @Override
    protected ConflictStrategy createStrategy() {
        return new CustomStrategy();
    }

    @Override
    protected List<NamespaceConfig> sampleConfigs() {
        ConflictResolver keepExisting = (existing, incoming, key) -> existing;
        ConflictResolver takeIncoming = (existing, incoming, key) -> incoming;
        ConflictResolver wrapBoth = (existing, incoming, key) -> MemoryEntry.of(
                Map.of("before", existing.value(), "after", incoming.value(), "key", key), incoming.ownerId(),
                incoming.timestamp(), incoming.version(), Map.of("resolved", true));
        ConflictResolver returnsNull = (existing, incoming, key) -> null;
        ConflictResolver throwing = (existing, incoming, key) -> {
            throw new IllegalStateException("resolver refuses " + key);
        };
        return List.of(config(null), config(keepExisting), config(takeIncoming), config(wrapBoth),
                config(returnsNull), config(throwing));
    }

    private static NamespaceConfig config(ConflictResolver resolver) {
        return NamespaceConfig.builder().conflictStrategy(NamespaceConfig.CUSTOM).conflictResolver(resolver).build();
    }
}
