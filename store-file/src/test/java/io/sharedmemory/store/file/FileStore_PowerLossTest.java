package io.sharedmemory.store.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Simulated power loss ({@link SimulatedDisk}: everything not forced is gone, the last unforced write is torn, directory
 * entries never forced are dropped), taken at a random moment while two threads write and delete: with {@code SYNC}
 * nothing acknowledged is lost; with {@code BATCHED} what comes back is a clean prefix of each thread's history (what
 * was acknowledged in the last interval may be missing, nothing else). Segments and snapshot thresholds are small, so
 * power fails during rollovers and snapshots too.
 */
class FileStore_PowerLossTest {
    private static final int ITERATIONS = Math.max(10, 4 * Integer.getInteger("sharedmemory.crash.iterations", 3));
    private static final int THREADS = 2;
    private static final Path DIR = Path.of("/simulated/store");

    @ParameterizedTest
    @EnumSource(Durability.class)
    void afterAPowerLoss_syncLosesNothingAcknowledged_andBatchedKeepsAPrefix(Durability durability) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            String where = durability + " iteration " + iteration + " (seed " + seed + ")";
            SimulatedDisk disk = new SimulatedDisk();
            SharedMemory m = SharedMemory.create(SharedMemoryOptions.builder().store(store(disk, durability)).build());
            m.createNamespace("crash", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            AtomicInteger[] acked = {new AtomicInteger(-1), new AtomicInteger(-1)};
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Thread w = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String key = CrashWriter.key(thread, i);
                        if (CrashWriter.isDelete(i)) {
                            m.delete("crash", key, "w");
                        } else {
                            WriteResult r = m.write("crash", key, CrashWriter.value(thread, i), "w");
                            if (!r.isWritten()) {
                                synchronized (failures) {
                                    failures.add(new AssertionError(where + ": " + r));
                                }
                                return;
                            }
                        }
                        acked[thread].set(i);
                    }
                });
                writers.add(w);
                w.start();
            }
            int target = durability == Durability.SYNC ? 10 + random.nextInt(200) : 50 + random.nextInt(3000);
            while (acked[0].get() < target || acked[1].get() < target) {
                Thread.onSpinWait();
                if (!failures.isEmpty()) {
                    break;
                }
            }
            int[] before = {acked[0].get(), acked[1].get()};
            SimulatedDisk after = disk.powerLoss(random);
            stop.set(true);
            for (Thread w : writers) {
                w.join();
            }
            m.destroy();
            if (!failures.isEmpty()) {
                throw new AssertionError(failures.get(0));
            }
            int[] started = {acked[0].get() + 1, acked[1].get() + 1};
            Map<String, Integer[]> recovered = recover(after);
            for (int t = 0; t < THREADS; t++) {
                int lowest = durability == Durability.SYNC ? before[t] + 1 : 0;
                int n = prefixLength(recovered, t, lowest, started[t]);
                if (n < 0) {
                    fail(where + ": thread " + t + " (acknowledged up to op " + before[t] + " before the power "
                            + "loss) recovered a state that is no prefix of its history from op " + lowest + " on: "
                            + describe(recovered, t));
                }
            }
        }
    }

    static FileStore store(SimulatedDisk disk, Durability durability) {
        return FileStore.builder(DIR).durability(durability).segmentSize(64 << 10).snapshotAfterBytes(96 << 10)
                .syncInterval(Duration.ofMillis(5)).disk(disk).build();
    }

    /** @return key → {version, op} of what the disk holds after the power loss */
    private static Map<String, Integer[]> recover(SimulatedDisk after) {
        Map<String, Integer[]> found = new HashMap<>();
        SharedMemory m = SharedMemory.create(SharedMemoryOptions.builder().store(store(after, Durability.SYNC))
                .build());
        try {
            for (int t = 0; t < THREADS; t++) {
                for (int k = 0; k < CrashWriter.KEYS; k++) {
                    String key = CrashWriter.key(t, k);
                    Optional<MemoryEntry> e = m.readEntry("crash", key, "checker");
                    if (e.isPresent()) {
                        Map<?, ?> v = (Map<?, ?>) e.get().value();
                        int op = ((Number) v.get("i")).intValue();
                        assertEquals(CrashWriter.value(t, op), v, key + " holds a torn value");
                        found.put(key, new Integer[] {(int) e.get().version(), op});
                    }
                }
            }
        } finally {
            m.destroy();
        }
        return found;
    }

    /** @return the n in [lowest, highest] for which the thread's keys hold exactly its ops 0..n-1, or -1 */
    private static int prefixLength(Map<String, Integer[]> recovered, int t, int lowest, int highest) {
        Map<String, Integer[]> model = new HashMap<>();
        for (int n = 0; n <= highest; n++) {
            if (n >= lowest && same(model, recovered, t)) {
                return n;
            }
            String key = CrashWriter.key(t, n);
            if (CrashWriter.isDelete(n)) {
                model.remove(key);
            } else {
                Integer[] cur = model.get(key);
                model.put(key, new Integer[] {cur == null ? 1 : cur[0] + 1, n});
            }
        }
        return -1;
    }

    private static boolean same(Map<String, Integer[]> model, Map<String, Integer[]> recovered, int t) {
        for (int k = 0; k < CrashWriter.KEYS; k++) {
            String key = CrashWriter.key(t, k);
            Integer[] a = model.get(key);
            Integer[] b = recovered.get(key);
            if (a == null ? b != null : b == null || !a[0].equals(b[0]) || !a[1].equals(b[1])) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Map<String, Integer[]> recovered, int t) {
        Map<String, String> mine = new TreeMap<>();
        recovered.forEach((k, v) -> {
            if (k.startsWith("t" + t + "-")) {
                mine.put(k, "v" + v[0] + "@op" + v[1]);
            }
        });
        return mine.toString();
    }
}
