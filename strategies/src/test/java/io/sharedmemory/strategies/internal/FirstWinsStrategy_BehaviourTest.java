package io.sharedmemory.strategies.internal;

import static io.sharedmemory.strategies.internal.Entries.context;
import static io.sharedmemory.strategies.internal.Entries.existing;
import static io.sharedmemory.strategies.internal.Entries.incoming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.spi.Resolution;
import org.junit.jupiter.api.Test;

class FirstWinsStrategy_BehaviourTest {
    private final FirstWinsStrategy strategy = new FirstWinsStrategy();

    @Test
    void name_isFirstWins() {
        assertEquals("first-wins", strategy.name());
    }

    @Test
    void resolve_rejectsNamingTheKeyOwnerAndVersion() {
        Resolution r = strategy.resolve(existing(1), incoming(2), context(NamespaceConfig.FIRST_WINS));
        assertEquals(Resolution.Kind.REJECT, r.kind());
        assertTrue(r.reason().contains("already written"), r.reason());
        assertTrue(r.reason().contains("\"task-1\""), r.reason());
        assertTrue(r.reason().contains("\"agent-1\""), r.reason());
        assertTrue(r.reason().contains("version 3"), r.reason());
    }

    @Test
    void resolve_rejectsEvenWithAMatchingExpectedVersion() {
        Resolution r = strategy.resolve(existing(1), incoming(2), context(NamespaceConfig.FIRST_WINS,
                WriteOptions.builder().expectedVersion(3).build(), null));
        assertEquals(Resolution.Kind.REJECT, r.kind());
    }
}
