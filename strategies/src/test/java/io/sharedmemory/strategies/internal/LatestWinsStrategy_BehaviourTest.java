package io.sharedmemory.strategies.internal;

import static io.sharedmemory.strategies.internal.Entries.context;
import static io.sharedmemory.strategies.internal.Entries.existing;
import static io.sharedmemory.strategies.internal.Entries.incoming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.spi.Resolution;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatestWinsStrategy_BehaviourTest {
    private final LatestWinsStrategy strategy = new LatestWinsStrategy();

    @Test
    void name_isLatestWins() {
        assertEquals("latest-wins", strategy.name());
    }

    @Test
    void saysItAcceptsEveryWrite_soTheEngineNeedNotAsk() {
        assertTrue(strategy.acceptsEveryWrite());
        for (var other : List.of(new FirstWinsStrategy(), new MergeStrategy(), new VersionStrategy(),
                new CustomStrategy())) {
            assertFalse(other.acceptsEveryWrite(), other.name());
        }
    }

    @Test
    void resolve_acceptsEveryUpdate() {
        for (Object[] pair : new Object[][] {{1, 2}, {"a", Map.of("k", 1)}, {List.of(1), List.of(2)},
                {Map.of("a", 1), Map.of("b", 2)}}) {
            Resolution r = strategy.resolve(existing(pair[0]), incoming(pair[1]),
                    context(NamespaceConfig.LATEST_WINS));
            assertEquals(Resolution.Kind.ACCEPT, r.kind());
        }
    }
}
