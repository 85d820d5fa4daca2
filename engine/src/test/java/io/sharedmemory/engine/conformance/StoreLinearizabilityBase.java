package io.sharedmemory.engine.conformance;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.MemoryStore;
import java.util.HashMap;
import java.util.Map;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every store's table is linearizable: Lincheck checks put, remove, compare-and-set on the version, get and the read of
 * a live value, run as steps through a store's table, against a HashMap. A store's test extends this with a
 * constructor-free subclass whose {@link #newStore()} makes a fresh store (Lincheck makes one test object per run).
 * Keys "Aa" and "BB" share a hash code. An odd value is stored already dead at the time of the live-value read.
 */
@Tag("lincheck")
@Param(name = "key", gen = IntGen.class, conf = "0:2")
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public abstract class StoreLinearizabilityBase {
    private static final String[] KEYS = {"Aa", "BB", "x"};
    private static final long NOW = 10;
    private static final boolean BIG = Boolean.getBoolean("sharedmemory.lincheck.big");

    private final EntryTable table;

    protected StoreLinearizabilityBase() {
        MemoryStore store = newStore();
        store.open(new TestStoreContext());
        store.addNamespace("ns", NamespaceConfig.defaults());
        table = store.entries("ns");
    }

    /** @return a fresh store, not opened; called from the constructor, so it must not use the subclass's fields */
    protected abstract MemoryStore newStore();

    private static MemoryEntry entry(int value, long version) {
        return MemoryEntry.of(value, "a", 1L, version, Map.of(), value % 2 == 1 ? NOW : MemoryEntry.NO_EXPIRY);
    }

    @Operation
    public long put(@Param(name = "key") int key, @Param(name = "value") int value) {
        long[] version = new long[1];
        table.apply(KEYS[key], cur -> {
            version[0] = cur == null ? 1 : cur.version() + 1;
            return Decision.put(entry(value, version[0]));
        }, null);
        return version[0];
    }

    @Operation
    public boolean compareAndSet(@Param(name = "key") int key, @Param(name = "value") int expected) {
        boolean[] won = new boolean[1];
        table.apply(KEYS[key], cur -> {
            long v = cur == null ? 0 : cur.version();
            won[0] = v == expected;
            return won[0] ? Decision.put(entry(expected, v + 1)) : Decision.keep();
        }, null);
        return won[0];
    }

    @Operation
    public boolean remove(@Param(name = "key") int key) {
        boolean[] had = new boolean[1];
        table.apply(KEYS[key], cur -> {
            had[0] = cur != null;
            return Decision.remove();
        }, null);
        return had[0];
    }

    @Operation
    public String get(@Param(name = "key") int key) {
        MemoryEntry e = table.get(KEYS[key]);
        return e == null ? "none" : e.value() + "@" + e.version();
    }

    @Operation
    public Object liveValue(@Param(name = "key") int key) {
        Object v = table.liveValue(KEYS[key], NOW);
        return v == null ? "none" : v == EntryTable.EXPIRED ? "expired" : v;
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

        public boolean compareAndSet(int key, int expected) {
            long[] cur = map.get(KEYS[key]);
            long v = cur == null ? 0 : cur[1];
            if (v != expected) {
                return false;
            }
            map.put(KEYS[key], new long[] {expected, v + 1});
            return true;
        }

        public boolean remove(int key) {
            return map.remove(KEYS[key]) != null;
        }

        public String get(int key) {
            long[] cur = map.get(KEYS[key]);
            return cur == null ? "none" : cur[0] + "@" + cur[1];
        }

        public Object liveValue(int key) {
            long[] cur = map.get(KEYS[key]);
            return cur == null ? "none" : cur[0] % 2 == 1 ? "expired" : (Object) (int) cur[0];
        }
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions().sequentialSpecification(Spec.class).iterations(BIG ? 40 : 10)
                .invocationsPerIteration(BIG ? 1_000 : 200).threads(2).actorsPerThread(3).check(getClass());
    }

    @Test
    void stress() {
        new StressOptions().sequentialSpecification(Spec.class).iterations(BIG ? 40 : 10)
                .invocationsPerIteration(BIG ? 5_000 : 500).threads(3).actorsPerThread(3).check(getClass());
    }
}
