package io.sharedmemory.engine.internal.store;

import io.sharedmemory.api.MemoryEntry;
import java.util.HashMap;
import java.util.Map;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The store on its own, checked by Lincheck against a HashMap: one segment whose table starts with two bins, and keys
 * of which three share a hash code, so that the checked histories build, copy and cut chains, resize the table and
 * update nodes in place. An odd value is stored already expired at the time {@code valueAt} asks for, an even one never
 * expires: a read that paired one write's value with another's expiry would answer what no sequential history can.
 * {@code size()} is left out: like ConcurrentHashMap's, it is exact only when no update runs.
 */
@Tag("lincheck")
@Param(name = "key", gen = IntGen.class, conf = "0:3")
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public class SegmentedEntryStoreLinearizabilityTest {
    private static final String[] KEYS = {"Aa", "BB", "C#", "x"};

    private static final long NOW = 10;

    private final SegmentedEntryStore store = new SegmentedEntryStore(0, 2);

    private static long expiryOf(int value) {
        return value % 2 == 1 ? NOW : MemoryEntry.NO_EXPIRY;
    }

    @Operation
    public long put(@Param(name = "key") int key, @Param(name = "value") int value) {
        MemoryEntry e = TableUpdates.update(store, KEYS[key], (k, cur) -> MemoryEntry.of(value, "a", 1L,
                cur == null ? 1 : cur.version() + 1, Map.of(), expiryOf(value)));
        return e.version();
    }

    @Operation
    public boolean remove(@Param(name = "key") int key) {
        boolean[] had = new boolean[1];
        TableUpdates.update(store, KEYS[key], (k, cur) -> {
            had[0] = cur != null;
            return null;
        });
        return had[0];
    }

    @Operation
    public String get(@Param(name = "key") int key) {
        MemoryEntry e = store.get(KEYS[key]);
        return e == null ? "none" : e.value() + "@" + e.version();
    }

    @Operation
    public Object valueAt(@Param(name = "key") int key) {
        Object v = store.liveValue(KEYS[key], NOW);
        return v == null ? "none" : v == io.sharedmemory.store.EntryTable.EXPIRED ? "expired" : v;
    }

    /** The sequential specification. */
    public static final class Spec {
        private final Map<String, long[]> map = new HashMap<>();

        public long put(int key, int value) {
            long[] cur = map.get(KEYS[key]);
            long version = cur == null ? 1 : cur[1] + 1;
            map.put(KEYS[key], new long[] {value, version});
            return version;
        }

        public boolean remove(int key) {
            return map.remove(KEYS[key]) != null;
        }

        public String get(int key) {
            long[] cur = map.get(KEYS[key]);
            return cur == null ? "none" : cur[0] + "@" + cur[1];
        }

        public Object valueAt(int key) {
            long[] cur = map.get(KEYS[key]);
            return cur == null ? "none" : cur[0] % 2 == 1 ? "expired" : (Object) (int) cur[0];
        }
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions().sequentialSpecification(Spec.class).iterations(20).invocationsPerIteration(200)
                .threads(2).actorsPerThread(4).check(getClass());
    }

    @Test
    void stress() {
        new StressOptions().sequentialSpecification(Spec.class).iterations(20).invocationsPerIteration(1_000)
                .threads(3).actorsPerThread(4).check(getClass());
    }
}
