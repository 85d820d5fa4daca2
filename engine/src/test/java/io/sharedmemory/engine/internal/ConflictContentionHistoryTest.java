package io.sharedmemory.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.engine.internal.History.Op;
import io.sharedmemory.engine.internal.History.Recorder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Eight threads race on one key and on 64 keys under each conflict policy; the full history (every operation and what
 * it returned, plus what two subscribers were delivered) is checked against what the policy allows. Sizes grow with
 * {@code -Dsharedmemory.proof.ops} (the {@code stress} profile).
 */
@Tag("concurrency")
class ConflictContentionHistoryTest {
    static final int THREADS = 8;
    static final int OPS = Integer.getInteger("sharedmemory.proof.ops", 1500);
    /**
     * Merged values grow with every write and each merge copies them (quadratic on one key): fewer operations, capped
     * so that the stress size stays minutes, not hours.
     */
    static final int MERGE_OPS = Math.max(1, Math.min(OPS / 6, 600));
    static final String NS = "race";

    private SharedMemory memory;

    @BeforeEach
    void setUp() {
        memory = SharedMemory.create(ProofPlugins.options(Clock.systemUTC())
                .listenerQueueCapacity(1 << 24).build());
    }

    @AfterEach
    void tearDown() {
        memory.destroy();
    }

    private void namespace(String strategy) {
        memory.createNamespace(NS, NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy(strategy).build());
    }

    private static String agent(int thread) {
        return "agent-" + thread;
    }

    /** Compare-and-set is the engine's, whatever the strategy; {@code version} demands it for every update. */
    @ParameterizedTest(name = "{0}, {1} key(s)")
    @CsvSource({"latest-wins, 1", "latest-wins, 64", "version, 1", "version, 64", "merge, 64"})
    void compareAndSetHasExactlyOneWinnerPerKeyAndVersion(String strategy, int keyCount) throws Exception {
        namespace(strategy);
        List<String> keys = History.keys(keyCount);
        try (Recorder a = new Recorder(memory, NS, "watcher-a"); Recorder b = new Recorder(memory, NS, "watcher-b")) {
            List<Op> history = History.run(THREADS, OPS, (t, i, r) -> {
                String key = keys.get(r.nextInt(keyCount));
                long seen = memory.readEntry(NS, key, agent(t)).map(MemoryEntry::version).orElse(0L);
                Map<String, Object> value = Map.of("by", t, "n", i);
                WriteResult res = memory.write(NS, key, value, agent(t),
                        WriteOptions.builder().expectedVersion(seen).build());
                return new Op(t, i, "cas", key, seen, value, res);
            });
            Map<String, List<Op>> perKey = History.byKey(history, Op::key);
            long totalWinners = 0;
            for (String key : keys) {
                List<Op> ops = perKey.getOrDefault(key, List.of());
                List<Op> winners = new ArrayList<>();
                Map<Long, Op> winnerByExpected = new HashMap<>();
                for (Op op : ops) {
                    WriteResult res = (WriteResult) op.result();
                    if (res.status() == Status.WRITTEN) {
                        assertEquals(op.expected() + 1, res.version(), () -> "a CAS winner skipped a version: " + op);
                        Op other = winnerByExpected.put(op.expected(), op);
                        if (other != null) {
                            fail("two CAS winners for (" + key + ", expected " + op.expected() + "): " + other
                                    + " and " + op);
                        }
                        winners.add(op);
                    } else {
                        assertEquals(Status.VERSION_MISMATCH, res.status(), () -> "unexpected refusal " + op);
                        assertNotEquals(op.expected(), res.version(),
                                () -> "refused although the current version was the expected one: " + op);
                    }
                }
                winners.sort(Comparator.comparingLong(op -> ((WriteResult) op.result()).version()));
                History.assertDense(winners.stream().map(op -> ((WriteResult) op.result()).version()).toList(),
                        "CAS winners of " + key);
                MemoryEntry last = memory.readEntry(NS, key, "checker").orElse(null);
                long finalVersion = last == null ? 0 : last.version();
                assertEquals(winners.size(), finalVersion, "successful CAS count != final version of " + key);
                if (last != null) {
                    assertEquals(winners.get(winners.size() - 1).value(), last.value(), "final value of " + key);
                }
                totalWinners += winners.size();
                for (Recorder rec : List.of(a, b)) {
                    rec.await();
                    List<ChangeEvent> events = rec.writesOf(key);
                    History.assertDense(events.stream().map(ChangeEvent::version).toList(), "events of " + key);
                    for (int v = 0; v < events.size(); v++) {
                        assertEquals(winners.get(v).value(), events.get(v).value(), "event value of version "
                                + (v + 1) + " of " + key);
                    }
                }
            }
            assertTrue(totalWinners > 0);
            assertEquals(a.await(), b.await(), "two subscribers saw different orders");
        }
    }

    @ParameterizedTest(name = "{0} key(s)")
    @ValueSource(ints = {1, 64})
    void mergeKeepsExactlyTheAcknowledgedContributionsEachOnce(int keyCount) throws Exception {
        namespace(NamespaceConfig.MERGE);
        List<String> keys = History.keys(keyCount);
        try (Recorder a = new Recorder(memory, NS, "watcher-a"); Recorder b = new Recorder(memory, NS, "watcher-b")) {
            List<Op> history = History.run(THREADS, MERGE_OPS, (t, i, r) -> {
                String key = keys.get(r.nextInt(keyCount));
                String field = "t" + t + "-" + i;
                WriteResult res = memory.write(NS, key, Map.of(field, i), agent(t));
                return new Op(t, i, "merge", key, -1, field, res);
            });
            Map<String, List<Op>> perKey = History.byKey(history, Op::key);
            for (String key : keys) {
                List<Op> ops = perKey.getOrDefault(key, List.of());
                Map<String, Object> acknowledged = new HashMap<>();
                List<Long> versions = new ArrayList<>();
                for (Op op : ops) {
                    WriteResult res = (WriteResult) op.result();
                    assertEquals(Status.WRITTEN, res.status(), () -> "merge refused " + op);
                    acknowledged.put((String) op.value(), op.seq());
                    versions.add(res.version());
                }
                versions.sort(null);
                History.assertDense(versions, "merge writes of " + key);
                Object stored = memory.read(NS, key, "checker");
                if (ops.isEmpty()) {
                    assertEquals(null, stored);
                    continue;
                }
                assertEquals(acknowledged, stored, "the merged value is not exactly the acknowledged contributions");
                for (Recorder rec : List.of(a, b)) {
                    rec.await();
                    List<ChangeEvent> events = rec.writesOf(key);
                    History.assertDense(events.stream().map(ChangeEvent::version).toList(), "events of " + key);
                    for (ChangeEvent e : events) {
                        assertEquals(e.version(), ((Map<?, ?>) e.value()).size(),
                                () -> "version " + e.version() + " does not hold one field per write: " + e);
                    }
                    assertEquals(stored, events.get(events.size() - 1).value());
                }
            }
            assertEquals(a.await(), b.await(), "two subscribers saw different orders");
        }
    }

    @ParameterizedTest(name = "{0} key(s)")
    @ValueSource(ints = {1, 64})
    void firstWinsHasOneWinnerPerKeyWhoseValueNeverChanges(int keyCount) throws Exception {
        namespace(NamespaceConfig.FIRST_WINS);
        List<String> keys = History.keys(keyCount);
        try (Recorder a = new Recorder(memory, NS, "watcher-a")) {
            List<Op> history = History.run(THREADS, OPS, (t, i, r) -> {
                String key = keys.get(r.nextInt(keyCount));
                if ((i & 1) == 1) {
                    return new Op(t, i, "read", key, -1, null, memory.read(NS, key, agent(t)));
                }
                Map<String, Object> value = Map.of("by", t, "n", i);
                return new Op(t, i, "write", key, -1, value, memory.write(NS, key, value, agent(t)));
            });
            Map<String, List<Op>> perKey = History.byKey(history, Op::key);
            for (String key : keys) {
                List<Op> ops = perKey.getOrDefault(key, List.of());
                List<Op> winners = ops.stream().filter(op -> op.kind().equals("write")
                        && ((WriteResult) op.result()).isWritten()).toList();
                boolean written = ops.stream().anyMatch(op -> op.kind().equals("write"));
                assertEquals(written ? 1 : 0, winners.size(), () -> "first-wins winners of " + key + ": " + winners);
                if (!written) {
                    continue;
                }
                Object winnerValue = winners.get(0).value();
                assertEquals(1, ((WriteResult) winners.get(0).result()).version());
                for (Op op : ops) {
                    if (op.kind().equals("write") && op != winners.get(0)) {
                        WriteResult res = (WriteResult) op.result();
                        assertEquals(Status.REJECTED, res.status(), () -> "loser not rejected: " + op);
                        assertEquals(1, res.version(), () -> "a loser saw another version: " + op);
                    } else if (op.kind().equals("read") && op.result() != null) {
                        assertEquals(winnerValue, op.result(), () -> "a read saw a value other than the winner's");
                    }
                }
                assertEquals(winnerValue, memory.read(NS, key, "checker"));
                a.await();
                List<ChangeEvent> events = a.writesOf(key);
                assertEquals(1, events.size(), () -> "first-wins key written more than once: " + events);
                assertEquals(winnerValue, events.get(0).value());
            }
        }
    }

    @ParameterizedTest(name = "{0} key(s)")
    @ValueSource(ints = {1, 64})
    void latestWinsVersionsRiseByExactlyOnePerAcceptedWrite(int keyCount) throws Exception {
        namespace(NamespaceConfig.LATEST_WINS);
        List<String> keys = History.keys(keyCount);
        try (Recorder a = new Recorder(memory, NS, "watcher-a"); Recorder b = new Recorder(memory, NS, "watcher-b")) {
            List<Op> history = History.run(THREADS, OPS, (t, i, r) -> {
                String key = keys.get(r.nextInt(keyCount));
                Map<String, Object> value = Map.of("by", t, "n", i);
                return new Op(t, i, "write", key, -1, value, memory.write(NS, key, value, agent(t)));
            });
            Map<String, List<Op>> perKey = History.byKey(history, Op::key);
            for (String key : keys) {
                List<Op> ops = new ArrayList<>(perKey.getOrDefault(key, List.of()));
                ops.forEach(op -> assertEquals(Status.WRITTEN, ((WriteResult) op.result()).status()));
                ops.sort(Comparator.comparingLong(op -> ((WriteResult) op.result()).version()));
                History.assertDense(ops.stream().map(op -> ((WriteResult) op.result()).version()).toList(),
                        "writes of " + key);
                if (ops.isEmpty()) {
                    continue;
                }
                MemoryEntry last = memory.readEntry(NS, key, "checker").orElseThrow();
                assertEquals(ops.size(), last.version());
                assertEquals(ops.get(ops.size() - 1).value(), last.value(), "the last version's value is not stored");
                for (Recorder rec : List.of(a, b)) {
                    rec.await();
                    List<ChangeEvent> events = rec.writesOf(key);
                    History.assertDense(events.stream().map(ChangeEvent::version).toList(), "events of " + key);
                    for (int v = 0; v < events.size(); v++) {
                        assertTrue(Objects.equals(ops.get(v).value(), events.get(v).value()),
                                "event of version " + (v + 1) + " carries another write's value");
                    }
                }
            }
            assertEquals(a.await(), b.await(), "two subscribers saw different orders");
        }
    }
}
