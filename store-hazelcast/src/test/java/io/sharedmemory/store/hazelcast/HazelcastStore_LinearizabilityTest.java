package io.sharedmemory.store.hazelcast;

import io.sharedmemory.engine.conformance.StoreLinearizabilityBase;
import io.sharedmemory.store.MemoryStore;
import java.util.Set;
import java.util.UUID;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Lincheck base every store passes — the same operations and sequential specification — on a 3-member cluster in
 * this JVM (formed once): a fresh memory per Lincheck run, its operations through the members in turn.
 *
 * <p>Two things differ from an in-process store, both for cause: the model-checking mode does not run (Lincheck's
 * model checker explores the interleavings of the threads it instruments; here Hazelcast's own I/O and partition
 * threads answer every call, which it neither controls nor sees, so it reports those waits as deadlocks); and the
 * stress mode runs with sizes fit for a store a network hop away — every operation is one or two round trips — 5 × 100
 * invocations in {@code verify}, 10 × 500 under {@code -Pstress} (the base's own sizes, 10 × 500 and 40 × 5 000, would
 * take minutes and hours here).
 */
@ExtendWith(HazelcastStore_LinearizabilityTest.OnlyClusterSizes.class)
public class HazelcastStore_LinearizabilityTest extends StoreLinearizabilityBase {
    private static final boolean BIG = Boolean.getBoolean("sharedmemory.lincheck.big");

    private static final class Shared {
        static final TestCluster CLUSTER = TestCluster.of(3);

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(CLUSTER::close, "lincheck-cluster-stop"));
        }
    }

    @Override
    protected MemoryStore newStore() {
        return HazelcastStore.spread(Shared.CLUSTER.members(), "lin-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Test
    void stressOnTheCluster() {
        new StressOptions().sequentialSpecification(Spec.class).iterations(BIG ? 10 : 5)
                .invocationsPerIteration(BIG ? 500 : 100).threads(3).actorsPerThread(3).check(getClass());
    }

    /** Leaves out the base's two runs, replaced by {@link #stressOnTheCluster} (see the class comment). */
    static final class OnlyClusterSizes implements ExecutionCondition {
        private static final Set<String> REPLACED = Set.of("modelChecking", "stress");

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getTestMethod().map(m -> REPLACED.contains(m.getName())
                    ? ConditionEvaluationResult.disabled("replaced by stressOnTheCluster: see the class comment")
                    : ConditionEvaluationResult.enabled("cluster run")).orElse(ConditionEvaluationResult.enabled(
                    "class"));
        }
    }
}
