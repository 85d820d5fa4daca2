package io.sharedmemory.engine.internal;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.Resolution;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plugins and memories the proofs run on. The strategies follow {@link NamespaceConfig}'s one-line definitions of
 * the built-in names; the real ones (bundle {@code strategies}) have their own conformance suite.
 */
final class ProofPlugins {
    private ProofPlugins() {
    }

    /** Maps merge (incoming wins per key), lists concatenate, anything else is replaced. */
    static ConflictStrategy merge() {
        return TestPlugins.strategy(NamespaceConfig.MERGE, (existing, incoming) -> {
            Object a = existing.value();
            Object b = incoming.value();
            if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
                Map<Object, Object> out = new LinkedHashMap<>(ma);
                out.putAll(mb);
                return Resolution.replace(out);
            }
            if (a instanceof List<?> la && b instanceof List<?> lb) {
                List<Object> out = new ArrayList<>(la);
                out.addAll(lb);
                return Resolution.replace(out);
            }
            return Resolution.accept();
        });
    }

    static SharedMemoryOptions.Builder options(Clock clock) {
        return SharedMemoryOptions.builder().serviceLoader(false).cleanupInterval(Duration.ZERO).clock(clock)
                .plugin(TestPlugins.latestWins()).plugin(TestPlugins.firstWins()).plugin(merge())
                .plugin(TestPlugins.overridesThenDefault());
    }

    static SharedMemory memory(Clock clock, Object... extraPlugins) {
        SharedMemoryOptions.Builder b = options(clock);
        for (Object p : extraPlugins) {
            b.plugin(p);
        }
        return SharedMemory.create(b.build());
    }
}
