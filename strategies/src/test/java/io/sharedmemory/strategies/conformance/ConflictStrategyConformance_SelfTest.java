package io.sharedmemory.strategies.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.Resolution;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Guards the suite itself: each check must fail for a strategy that breaks its rule. */
class ConflictStrategyConformance_SelfTest {
    private interface Decide {
        Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context);
    }

    private static ConflictStrategy strategy(String name, Decide decide) {
        return new ConflictStrategy() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
                return decide.resolve(existing, incoming, context);
            }
        };
    }

    private static ConflictStrategyConformance suiteFor(Supplier<ConflictStrategy> factory) {
        return new ConflictStrategyConformance() {
            @Override
            protected ConflictStrategy createStrategy() {
                return factory.get();
            }
        };
    }

    private static void fails(Executable check) {
        assertThrows(AssertionError.class, check);
    }

    @Test
    void blankName_fails() {
        fails(suiteFor(() -> strategy(" ", (e, i, c) -> Resolution.accept()))::name_isNonBlankStrippedAndStable);
    }

    @Test
    void claimingToAcceptEveryWrite_whileRejectingSome_fails() {
        fails(suiteFor(() -> new ConflictStrategy() {
            @Override
            public String name() {
                return "boastful";
            }

            @Override
            public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
                return incoming.value() instanceof String ? Resolution.reject("no strings") : Resolution.accept();
            }

            @Override
            public boolean acceptsEveryWrite() {
                return true;
            }
        })::acceptsEveryWrite_onlyIfResolveAcceptsEveryCase);
    }

    @Test
    void nullResolution_fails() {
        fails(suiteFor(() -> strategy("null", (e, i, c) -> null))::resolve_neverReturnsNullNorThrowsForJsonLikeInputs);
    }

    @Test
    void throwingOnSomeValues_fails() {
        fails(suiteFor(() -> strategy("numbers-only", (e, i, c) ->
                ((Number) i.value()).intValue() > 0 ? Resolution.accept() : Resolution.reject("no")))
                ::resolve_neverReturnsNullNorThrowsForJsonLikeInputs);
    }

    @Test
    void mutatingTheIncomingValue_fails() {
        @SuppressWarnings("unchecked")
        Decide mutate = (e, i, c) -> {
            if (i.value() instanceof Map<?, ?> m) {
                try {
                    ((Map<String, Object>) m).put("touched", true);
                } catch (UnsupportedOperationException immutable) {
                    // the engine's values are immutable; the suite hands mutable ones to catch exactly this
                }
            }
            return Resolution.accept();
        };
        fails(suiteFor(() -> strategy("mutating", mutate))::resolve_doesNotMutateItsInputs);
    }

    @Test
    void replacingWithANonJsonValue_fails() {
        fails(suiteFor(() -> strategy("odd", (e, i, c) -> Resolution.replace(new Object())))
                ::resolve_replacesOnlyWithJsonLikeValuesAndMetadata);
    }

    @Test
    void replacingWithANonFiniteNumber_fails() {
        fails(suiteFor(() -> strategy("nan", (e, i, c) -> Resolution.replace(List.of(Double.NaN))))
                ::resolve_replacesOnlyWithJsonLikeValuesAndMetadata);
    }

    @Test
    void countingCalls_failsDeterminism() {
        AtomicLong calls = new AtomicLong();
        fails(suiteFor(() -> strategy("counting", (e, i, c) -> Resolution.replace(calls.incrementAndGet())))
                ::resolve_isDeterministicForEqualInputs);
    }

    @Test
    void sharedScratchState_failsThreadSafety() {
        ConflictStrategy racy = new ConflictStrategy() {
            private Object scratch;

            @Override
            public String name() {
                return "racy";
            }

            @Override
            public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
                scratch = incoming.value();
                for (int spin = 0; spin < 500; spin++) {
                    Thread.onSpinWait();
                }
                return Resolution.replace(List.of(scratch));
            }
        };
        ConflictStrategyConformance suite = new ConflictStrategyConformance() {
            @Override
            protected ConflictStrategy createStrategy() {
                return racy;
            }

            @Override
            protected int rounds() {
                return 3;
            }
        };
        fails(suite::resolve_isThreadSafeUnderConcurrentCalls);
    }
}
