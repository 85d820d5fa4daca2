package io.sharedmemory.store.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash tests with real processes: a child JVM ({@link CrashWriter}) writes and deletes on two threads and
 * acknowledges each operation on stdout once it returned; the parent kills it with SIGKILL at a random moment (no
 * shutdown hook, no close, no force: only what the operating system already had survives), opens the directory, and
 * checks that every acknowledged operation is there and that each thread's keys hold exactly a prefix of its history
 * (everything it had acknowledged, and perhaps the one operation it was in the middle of) — no hole, no torn value, no
 * version out of step. Each iteration kills twice on the same directory, so the second run recovers from a directory
 * that was itself recovered. Iterations per durability mode: {@code sharedmemory.crash.iterations} (a few in
 * {@code verify}, hundreds of kills under {@code -Pstress}).
 */
@Tag("slow")
class FileStore_CrashTest {
    private static final int ITERATIONS = Integer.getInteger("sharedmemory.crash.iterations", 3);
    private static final int THREADS = 2;
    private static final int ROUNDS = 2;

    @TempDir
    Path dir;

    /** A key's state in the model: its version (0: absent) and the op that wrote it. */
    private record State(long version, int op) {
        static final State ABSENT = new State(0, -1);
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aKilledWriter_losesNothingAcknowledged_andLeavesAPrefixOfItsHistory(Durability durability) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            Path store = dir.resolve(durability + "-" + iteration);
            Map<String, State> base = new HashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                int kills = durability == Durability.SYNC ? 20 + random.nextInt(300) : 100 + random.nextInt(4000);
                String where = durability + " iteration " + iteration + " round " + round + " (seed " + seed
                        + ", killed after " + kills + " acknowledgements)";
                List<String> lines = runAndKill(store, durability, kills, where);
                base = verify(store, base, lines, where);
            }
        }
    }

    /** @return every line the child wrote before it died */
    private static List<String> runAndKill(Path store, Durability durability, int acknowledgements, String where)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", TestClassPath.get(), CrashWriter.class.getName(), store.toString(), durability.name(),
                Integer.toString(THREADS)).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            int acked = 0;
            String line;
            while (acked < acknowledgements && (line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("A ") || line.startsWith("D ")) {
                    acked++;
                } else if (!line.equals("READY")) {
                    fail(where + ": the writer said: " + line + "\n" + String.join("\n", lines));
                }
            }
            // SIGKILL: only what the operating system already has survives (through the handle: Process.destroy
            // would also close the pipe, with the last acknowledgements in it)
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), where + ": the child did not die");
            // acknowledgements already in the pipe were made before the kill
            while ((line = out.readLine()) != null) {
                if (line.startsWith("A ") || line.startsWith("D ")) {
                    lines.add(line);
                }
            }
            assertTrue(acked >= acknowledgements, where + ": the writer stopped early:\n" + String.join("\n", lines));
        } finally {
            child.destroyForcibly();
        }
        return lines;
    }

    private static Map<String, State> verify(Path store, Map<String, State> base, List<String> lines, String where) {
        int[] lastAcked = new int[THREADS];
        java.util.Arrays.fill(lastAcked, -1);
        Map<String, Long> ackedVersions = new HashMap<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length != 4) {
                continue;
            }
            int t = Integer.parseInt(f[1]);
            int i = Integer.parseInt(f[2]);
            assertEquals(lastAcked[t] + 1, i, where + ": thread " + t + " acknowledged out of order");
            lastAcked[t] = i;
            if (f[0].equals("A")) {
                ackedVersions.put(t + ":" + i, Long.parseLong(f[3]));
            }
        }
        Map<String, State> recovered = new HashMap<>();
        SharedMemory m = SharedMemory.create(SharedMemoryOptions.builder().store(FileStore.open(store)).build());
        try {
            for (int t = 0; t < THREADS; t++) {
                for (int k = 0; k < CrashWriter.KEYS; k++) {
                    String key = CrashWriter.key(t, k);
                    Optional<MemoryEntry> e = m.readEntry("crash", key, "checker");
                    if (e.isPresent()) {
                        Object v = e.get().value();
                        int op = ((Number) ((Map<?, ?>) v).get("i")).intValue();
                        assertEquals(CrashWriter.value(t, op), v, where + ": " + key + " holds a torn value");
                        recovered.put(key, new State(e.get().version(), op));
                    }
                }
            }
        } finally {
            m.destroy();
        }
        for (int t = 0; t < THREADS; t++) {
            // every acknowledged op is in; the one the thread was in the middle of may be too
            Map<String, State> model = new HashMap<>(base);
            for (int i = 0; i <= lastAcked[t]; i++) {
                apply(model, t, i, ackedVersions, where);
            }
            Map<String, State> withNext = new HashMap<>(model);
            apply(withNext, t, lastAcked[t] + 1, null, where);
            Map<String, State> got = threadKeys(recovered, t);
            if (!got.equals(threadKeys(model, t)) && !got.equals(threadKeys(withNext, t))) {
                fail(where + ": thread " + t + " (last acknowledged op " + lastAcked[t] + ") recovered a state that "
                        + "is not a prefix of its history:\nrecovered " + new java.util.TreeMap<>(got)
                        + "\nexpected  " + new java.util.TreeMap<>(threadKeys(model, t)) + "\nor        "
                        + new java.util.TreeMap<>(threadKeys(withNext, t)));
            }
        }
        return recovered;
    }

    private static void apply(Map<String, State> model, int t, int i, Map<String, Long> ackedVersions, String where) {
        String key = CrashWriter.key(t, i);
        State s = model.getOrDefault(key, State.ABSENT);
        if (CrashWriter.isDelete(i)) {
            model.remove(key);
        } else {
            State next = new State(s.version() + 1, i);
            model.put(key, next);
            Long acked = ackedVersions == null ? null : ackedVersions.get(t + ":" + i);
            if (acked != null) {
                assertEquals(next.version(), acked, where + ": the model and the writer disagree on op " + i);
            }
        }
    }

    private static Map<String, State> threadKeys(Map<String, State> all, int t) {
        Map<String, State> mine = new HashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith("t" + t + "-")) {
                mine.put(k, v);
            }
        });
        return mine;
    }
}
