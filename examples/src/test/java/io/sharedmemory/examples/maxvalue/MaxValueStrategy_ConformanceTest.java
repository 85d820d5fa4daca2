package io.sharedmemory.examples.maxvalue;

import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.strategies.conformance.ConflictStrategyConformance;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** The example passes the conformance suite every built-in strategy passes, with numbers and with what it rejects. */
class MaxValueStrategy_ConformanceTest extends ConflictStrategyConformance {
    @Override
    protected ConflictStrategy createStrategy() {
        return new MaxValueStrategy();
    }

    @Override
    protected List<Object> sampleValues() {
        return List.of(1, 2.5, 42L, new BigDecimal("1e30"), -7, "not a number", Map.of("a", 1), List.of(1, 2));
    }
}
