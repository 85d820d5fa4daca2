package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.conformance.TestStores;
import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;
import io.sharedmemory.engine.internal.values.JsonList;
import io.sharedmemory.engine.internal.values.JsonMap;
import io.sharedmemory.engine.internal.values.Names;
import io.sharedmemory.engine.internal.values.Values;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the engine's entry operations, checked by Lincheck against the engine itself run sequentially:
 * every concurrent history of write, read, delete, compare-and-set and merge must be explainable by some order of the
 * operations, each taking effect at one instant. A small configuration runs in {@code verify}; {@code
 * -Dsharedmemory.lincheck.big=true} (the {@code stress} profile) runs a large one. {@link CheckThenActStoreTest} shows
 * the same check catching a store that is not linearizable.
 */
@Tag("lincheck")
@Param(name = "key", gen = IntGen.class, conf = "1:2")
@Param(name = "value", gen = IntGen.class, conf = "1:3")
@Param(name = "version", gen = IntGen.class, conf = "0:2")
public class EngineLinearizabilityTest {
    static final boolean BIG = Boolean.getBoolean("sharedmemory.lincheck.big");
    private static final String LWW = "lww";
    private static final String MERGE = "merged";
    private static final String AGENT = "agent";

    private final Engine memory;

    public EngineLinearizabilityTest() {
        RankedPluginRegistry registry = new RankedPluginRegistry();
        registry.addStrategy(ProofPlugins.strategy(NamespaceConfig.LATEST_WINS), NamespaceConfig.LATEST_WINS, 0, 0,
                "test");
        registry.addStrategy(ProofPlugins.merge(), NamespaceConfig.MERGE, 0, 1, "test");
        registry.addPermissionProvider(ProofPlugins.permissions(), 0, 2, "test");
        memory = new Engine(TestStores.options().serviceLoader(false).cleanupInterval(Duration.ZERO)
                .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)).build(), registry, null);
        memory.createNamespace(LWW, NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        memory.createNamespace(MERGE, NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy(NamespaceConfig.MERGE).build());
    }

    private static String key(int k) {
        return "k" + k;
    }

    private static String outcome(WriteResult r) {
        return r.status() + "@" + r.version();
    }

    @Operation
    public String write(@Param(name = "key") int key, @Param(name = "value") int value) {
        return outcome(memory.write(LWW, key(key), value, AGENT));
    }

    @Operation
    public Object read(@Param(name = "key") int key) {
        return memory.readEntry(LWW, key(key), AGENT).map(e -> e.value() + "@" + e.version()).orElse(null);
    }

    @Operation
    public boolean delete(@Param(name = "key") int key) {
        return memory.delete(LWW, key(key), AGENT);
    }

    @Operation
    public String compareAndSet(@Param(name = "key") int key, @Param(name = "version") int expected,
                                @Param(name = "value") int value) {
        return outcome(memory.write(LWW, key(key), value, AGENT,
                WriteOptions.builder().expectedVersion(expected).build()));
    }

    @Operation
    public String merge(@Param(name = "key") int key, @Param(name = "value") int field) {
        return outcome(memory.write(MERGE, key(key), Map.of("f" + field, field), AGENT));
    }

    @Operation
    public String readMerged(@Param(name = "key") int key) {
        return memory.readEntry(MERGE, key(key), AGENT)
                .map(e -> new TreeMap<>((Map<?, ?>) e.value()) + "@" + e.version()).orElse(null);
    }

    /**
     * Pure functions of the caller's own arguments and immutable value classes: no thread switch can matter inside
     * them, so the model checker need not explore switches there (it still explores every access to the store, the
     * namespace gate, the counters and the journals).
     */
    static ModelCheckingOptions withoutPureCode(ModelCheckingOptions o) {
        return o.addGuarantee(ManagedStrategyGuaranteeKt.forClasses(
                Values.class.getName(), Names.class.getName(), JsonMap.class.getName(), JsonList.class.getName(),
                "io.sharedmemory.api.MemoryEntry", "io.sharedmemory.api.WriteResult",
                "io.sharedmemory.api.WriteOptions", "io.sharedmemory.api.AccessLogEntry").allMethods().ignore());
    }

    @Test
    void modelChecking() {
        ModelCheckingOptions o = withoutPureCode(new ModelCheckingOptions());
        if (BIG) {
            o.iterations(20).invocationsPerIteration(500).threads(2).actorsPerThread(4);
        } else {
            o.iterations(5).invocationsPerIteration(100).threads(2).actorsPerThread(3);
        }
        o.check(getClass());
    }

    @Test
    void stress() {
        StressOptions o = new StressOptions();
        if (BIG) {
            o.iterations(30).invocationsPerIteration(5_000).threads(3).actorsPerThread(4);
        } else {
            o.iterations(5).invocationsPerIteration(200).threads(2).actorsPerThread(3);
        }
        o.check(getClass());
    }
}
