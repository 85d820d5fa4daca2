package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.conformance.TestStores;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The plugins and memories the proofs run on: the real built-in strategies and the default permission provider
 * (bundles {@code strategies} and {@code permissions}, test-scope dependencies of this module), given explicitly so
 * that nothing else on the class path — an audit sink, say — joins in unasked.
 */
public final class ProofPlugins {
    private ProofPlugins() {
    }

    /** The real strategy of that name. */
    public static ConflictStrategy strategy(String name) {
        return ServiceLoader.load(ConflictStrategy.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("strategy " + name + " is not on the test class path"));
    }

    public static PermissionProvider permissions() {
        return ServiceLoader.load(PermissionProvider.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no permission provider on the test class path"));
    }

    public static ConflictStrategy merge() {
        return strategy(NamespaceConfig.MERGE);
    }

    public static SharedMemoryOptions.Builder options(Clock clock) {
        SharedMemoryOptions.Builder b = TestStores.options().serviceLoader(false)
                .cleanupInterval(Duration.ZERO).clock(clock).plugin(permissions());
        for (String name : List.of(NamespaceConfig.LATEST_WINS, NamespaceConfig.FIRST_WINS, NamespaceConfig.MERGE,
                NamespaceConfig.VERSION)) {
            b.plugin(strategy(name));
        }
        return b;
    }

    public static SharedMemory memory(Clock clock, Object... extraPlugins) {
        SharedMemoryOptions.Builder b = options(clock);
        for (Object p : extraPlugins) {
            b.plugin(p);
        }
        return SharedMemory.create(b.build());
    }
}
