package io.sharedmemory.benchmarks;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.json.Json;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Workload 6, retained heap: fills one subject with N small entries (the same keys and values for both subjects, each
 * entry its own freshly built value map, as a caller would hand it over) and measures the live heap after full GCs
 * before and after. Runs in a JVM of its own per subject (started by {@link BenchmarkMain} with a serial collector,
 * so that "used after System.gc()" is exactly the live set).
 *
 * <p>Usage: {@code MemoryFootprint <engine|concurrent-hash-map> <entries> <out.json>}
 */
public final class MemoryFootprint {
    private MemoryFootprint() {
    }

    public static void main(String[] args) throws IOException {
        String subject = args[0];
        int n = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);

        Object holder;
        SharedMemory memory = null;
        ConcurrentHashMap<String, Map<String, Object>> map = null;
        if (subject.equals(Subject.ENGINE)) {
            memory = SharedMemory.create(SharedMemoryOptions.defaults());
            memory.createNamespace(Fixtures.NAMESPACE,
                    NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            // warm the write path and fill the default 1 000-entry access log before the baseline, in a namespace
            // of its own (its one entry is in both measurements)
            memory.createNamespace("warm-up", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            for (int i = 0; i < 2_000; i++) {
                EngineSubject.check(memory.write("warm-up", "key", Fixtures.value(i), Fixtures.AGENT));
            }
            holder = memory;
        } else if (subject.equals(Subject.CHM)) {
            map = new ConcurrentHashMap<>();
            holder = map;
        } else {
            throw new IllegalArgumentException("memory workload subjects: engine, concurrent-hash-map");
        }
        long before = liveHeap();
        for (int i = 0; i < n; i++) {
            String key = Fixtures.key(i);
            Map<String, Object> value = Fixtures.value(i);
            if (memory != null) {
                EngineSubject.check(memory.write(Fixtures.NAMESPACE, key, value, Fixtures.AGENT));
            } else {
                map.put(key, value);
            }
        }
        long after = liveHeap();
        double perEntry = (after - before) / (double) n;
        long count = memory != null ? memory.getKeys(Fixtures.NAMESPACE, Fixtures.AGENT).size() : map.size();
        if (count != n) {
            throw new IllegalStateException(subject + " holds " + count + " entries, expected " + n);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("subject", subject);
        result.put("entries", n);
        result.put("liveBefore", before);
        result.put("liveAfter", after);
        result.put("bytesPerEntry", BigDecimal.valueOf(perEntry).setScale(1, RoundingMode.HALF_EVEN));
        String json = Json.write(result) + System.lineSeparator();
        Files.writeString(out, json, StandardCharsets.UTF_8);
        System.out.print(json);
        if (holder == null) {
            throw new AssertionError(); // keeps the subject reachable until after the second measurement
        }
        if (memory != null) {
            memory.close();
        }
    }

    /** @return the heap in use after full collections, once it stops shrinking */
    static long liveHeap() {
        var bean = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = bean.getHeapMemoryUsage().getUsed();
            if (used >= last - 1024) {
                return Math.min(used, last);
            }
            last = used;
        }
        return last;
    }
}
