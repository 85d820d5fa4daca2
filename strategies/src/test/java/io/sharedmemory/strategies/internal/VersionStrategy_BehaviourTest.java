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

class VersionStrategy_BehaviourTest {
    private final VersionStrategy strategy = new VersionStrategy();

    @Test
    void name_isVersion() {
        assertEquals("version", strategy.name());
    }

    @Test
    void resolve_withoutExpectedVersion_rejectsSayingAnExpectedVersionIsNeeded() {
        Resolution r = strategy.resolve(existing("a"), incoming("b"), context(NamespaceConfig.VERSION));
        assertEquals(Resolution.Kind.REJECT, r.kind());
        assertTrue(r.reason().contains("expectedVersion"), r.reason());
        assertTrue(r.reason().contains("version 3"), r.reason());
        assertTrue(r.reason().contains("\"team\""), r.reason());
    }

    @Test
    void resolve_withExpectedVersion_accepts() {
        // the engine compared the expected version before asking; the strategy only needs to see one was given
        Resolution r = strategy.resolve(existing("a"), incoming("b"),
                context(NamespaceConfig.VERSION, WriteOptions.builder().expectedVersion(3).build(), null));
        assertEquals(Resolution.Kind.ACCEPT, r.kind());
    }
}
