package io.sharedmemory.store.hazelcast.internal;

/** Counts that show the store's failure handling at work, in this JVM (tests and benchmarks report them). */
public final class Diagnostics {
    private Diagnostics() {
    }

    /** @return how many operations a member in this JVM answered from a key's record because they had run before */
    public static long repeatsAnswered() {
        return OwnerSteps.REPEATS.get();
    }
}
