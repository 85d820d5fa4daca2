package io.sharedmemory.strategies.internal;

import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.strategies.conformance.ConflictStrategyConformance;

class FirstWinsStrategy_ConformanceTest extends ConflictStrategyConformance {
    @Override
    protected ConflictStrategy createStrategy() {
        return new FirstWinsStrategy();
    }
}
