package io.sharedmemory.examples.maxvalue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.Resolution;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaxValueStrategy_DecisionTest {
    private final MaxValueStrategy strategy = new MaxValueStrategy();
    private final ConflictContext context = new ConflictContext("scores", "best", "agent-1", WriteOptions.none(),
            NamespaceConfig.builder().conflictStrategy(MaxValueStrategy.NAME).build());

    private Resolution decide(Object existing, Object incoming) {
        return strategy.resolve(MemoryEntry.of(existing, "a", Instant.EPOCH, 1, null),
                MemoryEntry.of(incoming, "b", Instant.EPOCH, 2, null), context);
    }

    @Test
    void aHigherNumberWinsWhateverItsType() {
        assertSame(Resolution.accept(), decide(3, 4L));
        assertSame(Resolution.accept(), decide(3L, 3.5));
        assertSame(Resolution.accept(), decide(new BigDecimal("1e400"), new BigDecimal("2e400")));
    }

    @Test
    void anEqualOrLowerNumberIsRejectedWithTheKeptValue() {
        assertEquals(Resolution.Kind.REJECT, decide(5, 5).kind());
        assertEquals("max-value keeps 5: 4.5 is not higher", decide(5, 4.5).reason());
    }

    @Test
    void aNonNumberIsRejectedWithAMessage() {
        assertEquals("max-value accepts only numbers, was the string \"ten\"", decide(5, "ten").reason());
        assertEquals("max-value accepts only numbers, was a map", decide(5, Map.of("a", 1)).reason());
    }

    @Test
    void aNumberReplacesANonNumber() {
        assertSame(Resolution.accept(), decide("start", 1));
    }

    @Test
    void itsNameIsTheServicePropertyAndTheNamespacesName() {
        assertEquals("max-value", strategy.name());
    }
}
