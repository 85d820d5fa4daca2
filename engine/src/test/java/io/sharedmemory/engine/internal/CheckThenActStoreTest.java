package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.conformance.TestStores;
import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemoryOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The control experiment for {@link EngineLinearizabilityTest}: a compare-and-set built the wrong way — read the
 * version, compare, then write without {@code expectedVersion} — on top of the same engine. Two racing callers can
 * both "win"; Lincheck must find that history, or the linearizability check proves nothing.
 */
@Tag("lincheck")
@Param(name = "version", gen = IntGen.class, conf = "0:1")
@Param(name = "value", gen = IntGen.class, conf = "1:2")
public class CheckThenActStoreTest {
    private final Engine memory;

    public CheckThenActStoreTest() {
        RankedPluginRegistry registry = new RankedPluginRegistry();
        registry.addStrategy(ProofPlugins.strategy(NamespaceConfig.LATEST_WINS), NamespaceConfig.LATEST_WINS, 0, 0,
                "test");
        registry.addPermissionProvider(ProofPlugins.permissions(), 0, 1, "test");
        memory = new Engine(TestStores.options().serviceLoader(false).cleanupInterval(Duration.ZERO)
                .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)).build(), registry, null);
        memory.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
    }

    /** The broken compare-and-set: the check and the act are two operations. */
    @Operation
    public boolean compareAndSet(@Param(name = "version") int expected, @Param(name = "value") int value) {
        long current = memory.readEntry("ns", "k", "a").map(MemoryEntry::version).orElse(0L);
        return current == expected && memory.write("ns", "k", value, "a").isWritten();
    }

    @Operation
    public long version() {
        return memory.readEntry("ns", "k", "a").map(MemoryEntry::version).orElse(0L);
    }

    @Test
    void lincheckCatchesTheBrokenCompareAndSet() {
        AssertionError failure = assertThrows(AssertionError.class, () -> EngineLinearizabilityTest
                .withoutPureCode(new ModelCheckingOptions()).iterations(5).invocationsPerIteration(100).threads(2)
                .actorsPerThread(3).check(getClass()));
        assertTrue(String.valueOf(failure.getMessage()).contains("Invalid execution results"), failure::getMessage);
    }
}
