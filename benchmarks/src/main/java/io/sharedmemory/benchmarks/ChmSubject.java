package io.sharedmemory.benchmarks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.openjdk.jmh.infra.Blackhole;

/** The physical limit: the same operations on a bare {@link ConcurrentHashMap}, no copies, no checks, no log. */
final class ChmSubject implements Subject {
    private final ConcurrentHashMap<String, Map<String, Object>> map = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Map<String, Object>> mergeMap = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Versioned> casMap = new ConcurrentHashMap<>();

    /** A value with its version; compared by identity, so {@code replace(k, old, new)} is a true version CAS. */
    static final class Versioned {
        final long version;
        final Map<String, Object> value;

        Versioned(long version, Map<String, Object> value) {
            this.version = version;
            this.value = value;
        }
    }

    @Override
    public void preload() {
        for (int i = 0; i < Fixtures.KEYS; i++) {
            map.put(Fixtures.KEY[i], Fixtures.VALUE.get(i));
            mergeMap.put(Fixtures.KEY[i], Fixtures.VALUE.get(i));
            casMap.put(Fixtures.KEY[i], new Versioned(1, Fixtures.VALUE.get(i)));
        }
    }

    @Override
    public Object read(String key) {
        return map.get(key);
    }

    @Override
    public Object write(String key, Map<String, Object> value) {
        return map.put(key, value);
    }

    @Override
    public Object merge(String key, Map<String, Object> patch) {
        return mergeMap.compute(key, (k, old) -> old == null ? patch : Fixtures.merged(old, patch));
    }

    @Override
    public boolean casAttempt(String key, Map<String, Object> value, Blackhole bh) {
        Versioned old = casMap.get(key);
        return casMap.replace(key, old, new Versioned(old.version + 1, value));
    }

    @Override
    public void close() {
        map.clear();
        mergeMap.clear();
        casMap.clear();
    }
}
