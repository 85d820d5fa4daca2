package io.sharedmemory.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys and values every subject sees: {@value #KEYS} keys, one small map value per key, and small patches for
 * the merge workload. Built once per JVM and never changed; every subject stores and reads exactly these objects (a
 * subject may copy them on the way in, as the engine does — that copy is part of its price).
 */
final class Fixtures {
    /** Keys of the read, write and merge workloads. */
    static final int KEYS = 10_000;
    /** Keys the cas workload's threads contend on. */
    static final int CAS_KEYS = 16;
    /** Distinct merge patches. */
    static final int PATCHES = 16;

    static final String NAMESPACE = "bench";
    static final String MERGE_NAMESPACE = "bench-merge";
    static final String AGENT = "agent-1";

    static final String[] KEY = new String[KEYS];
    static final List<Map<String, Object>> VALUE;
    static final List<Map<String, Object>> PATCH;

    static {
        Map<String, Object>[] values = newMaps(KEYS);
        for (int i = 0; i < KEYS; i++) {
            KEY[i] = key(i);
            values[i] = value(i);
        }
        VALUE = List.of(values);
        Map<String, Object>[] patches = newMaps(PATCHES);
        for (int i = 0; i < PATCHES; i++) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("reviewedBy", "agent-" + i);
            patches[i] = p;
        }
        PATCH = List.of(patches);
    }

    private Fixtures() {
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object>[] newMaps(int n) {
        return (Map<String, Object>[]) new Map<?, ?>[n];
    }

    /** @return the i-th key, e.g. {@code task-0000042} */
    static String key(int i) {
        return String.format("task-%07d", i);
    }

    /**
     * A small JSON-like value, about 60 bytes of JSON: {@code {"owner":"agent-3","status":"open","priority":42,"done":false}}.
     * A {@link LinkedHashMap}, the map a Java user hands over (Hazelcast has a built-in serializer for it).
     *
     * @param i the key index
     * @return a new map
     */
    static Map<String, Object> value(int i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("owner", "agent-" + (i % 8));
        m.put("status", "open");
        m.put("priority", i);
        m.put("done", Boolean.FALSE);
        return m;
    }

    /**
     * What a merge stores: the existing map with the patch's fields put over it (the engine's {@code merge} strategy
     * does this for maps; the CHM subject does it by hand).
     */
    static Map<String, Object> merged(Map<String, Object> existing, Map<String, Object> patch) {
        Map<String, Object> m = new LinkedHashMap<>(existing);
        m.putAll(patch);
        return m;
    }

    /** A per-thread xorshift generator: cheap, allocation-free, and different per thread. */
    static final class Rng {
        /*
         * The state sits in the middle of its own 256-byte array: each benchmark thread writes its generator on every
         * operation, and two small generator objects that a young collection copied next to each other would share a
         * cache line — two threads then paid a cross-core miss per operation, in some forks only (the 2-thread engine
         * read ran at 11–12 M in 4 forks of 16 and 15–17 M in the others; with the state padded, 13–17 M in 10 of 10;
         * the map allocates nothing while it runs, so its generators were never moved).
         */
        private static final int X = 16;
        private final long[] cells = new long[2 * X];

        Rng(long seed) {
            cells[X] = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        }

        /** @return a uniform int in [0, n) */
        int next(int n) {
            long x = cells[X];
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            cells[X] = x;
            return (int) (((x >>> 32) * n) >>> 32);
        }
    }
}
