package io.sharedmemory.store.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.engine.conformance.TestStoreContext;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.EntryTable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Snapshot and rename, step by step (on a {@link SimulatedDisk}): a failure injected at each step leaves the store
 * working and loses nothing (the previous snapshot and the log stay in place; only a failed force of the log stops the
 * store, as every failed force does); a power loss at each step loses nothing acknowledged ({@code SYNC}; with
 * {@code BATCHED}, for the log's force, leaves a prefix); and the next snapshot, once the disk behaves, succeeds and
 * leaves one snapshot and no temporary file.
 */
class FileStore_SnapshotStepsTest {
    private static final Path DIR = Path.of("/simulated/snapshots");

    /**
     * A step of the snapshot: which operation on which file. The log's force happens only when something is not forced
     * yet: with {@code BATCHED} (every other step runs with {@code SYNC}, where everything acknowledged is forced).
     */
    record Step(String name, SimulatedDisk.Op op, Durability durability, BiPredicate<SimulatedDisk.Op, Path> matches) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> steps() {
        return Stream.of(
                step("create the temporary file", SimulatedDisk.Op.CREATE, ".tmp"),
                step("write the temporary file", SimulatedDisk.Op.WRITE, ".tmp"),
                new Step("force the log before the snapshot", SimulatedDisk.Op.SEGMENT_FORCE, Durability.BATCHED,
                        (o, p) -> o == SimulatedDisk.Op.SEGMENT_FORCE),
                step("force the temporary file", SimulatedDisk.Op.FORCE, ".tmp"),
                step("rename it into place", SimulatedDisk.Op.MOVE, ".tmp"),
                afterRename("force the directory", SimulatedDisk.Op.FORCE_DIRECTORY),
                step("delete the covered segments", SimulatedDisk.Op.DELETE, ".seg"))
                .map(Arguments::of);
    }

    /** The step on the first operation of its kind after the rename. */
    private static Step afterRename(String name, SimulatedDisk.Op op) {
        boolean[] renamed = {false};
        return new Step(name, op, Durability.SYNC, (o, p) -> {
            renamed[0] |= o == SimulatedDisk.Op.MOVE;
            return renamed[0] && o == op;
        });
    }

    private static Step step(String name, SimulatedDisk.Op op, String suffix) {
        return new Step(name, op, Durability.SYNC, (o, p) -> o == op && p.toString().endsWith(suffix));
    }

    private static FileStore store(SimulatedDisk disk) {
        return store(disk, Durability.SYNC);
    }

    private static FileStore store(SimulatedDisk disk, Durability durability) {
        return FileStore.builder(DIR).durability(durability).segmentSize(64 << 10)
                .syncInterval(Duration.ofHours(1)).snapshotAfterBytes(1L << 40).disk(disk).build();
    }

    private static void write(FileStore s, Map<String, Object> expected, int from, int to) {
        EntryTable t = s.entries("ns");
        for (int i = from; i < to; i++) {
            MemoryEntry e = entry(i);
            t.apply(key(i), cur -> Decision.put(e), null);
            expected.put(key(i), e.value());
        }
    }

    private static String key(int i) {
        return "k" + i % 700;
    }

    private static MemoryEntry entry(int i) {
        return MemoryEntry.of("value " + i, "agent", i, 1, Map.of(), MemoryEntry.NO_EXPIRY);
    }

    /** For BATCHED, whose power loss takes what was not forced: the state is that after some n ≥ lowest writes. */
    private static void assertPrefix(Map<String, Object> found, int lowest, int highest) {
        Map<String, Object> state = new TreeMap<>();
        for (int n = 0; n <= highest; n++) {
            if (n >= lowest && state.equals(found)) {
                return;
            }
            if (n < highest) {
                state.put(key(n), entry(n).value());
            }
        }
        throw new AssertionError("not the state after " + lowest + " to " + highest + " writes: " + found);
    }

    private static Map<String, Object> read(SimulatedDisk disk) {
        FileStore s = store(disk);
        s.open(new TestStoreContext());
        try {
            Map<String, Object> found = new TreeMap<>();
            s.entries("ns").forEach((k, e) -> found.put(k, e.value()));
            return found;
        } finally {
            s.close();
        }
    }

    private static long files(SimulatedDisk disk, String suffix) {
        return disk.paths().stream().filter(p -> p.toString().endsWith(suffix)).count();
    }

    @ParameterizedTest(name = "fail: {0}")
    @MethodSource("steps")
    void aFailureAtEachStep_losesNothing(Step step) {
        SimulatedDisk disk = new SimulatedDisk();
        FileStore s = store(disk, step.durability());
        s.open(new TestStoreContext());
        s.addNamespace("ns", NamespaceConfig.defaults());
        Map<String, Object> expected = new TreeMap<>();
        write(s, expected, 0, 2_000);
        assertTrue(s.snapshot(), "a first snapshot, so that a later one has files to replace");
        write(s, expected, 2_000, 4_000);
        AtomicInteger failed = new AtomicInteger();
        disk.hook((op, path) -> {
            if (step.matches().test(op, path) && failed.getAndIncrement() == 0) {
                throw new IOException("injected failure: " + step);
            }
        });
        boolean written = s.snapshot();
        assertEquals(1, failed.get(), "the failure was injected once");
        boolean logForce = step.op() == SimulatedDisk.Op.SEGMENT_FORCE;
        boolean afterRename = step.op() == SimulatedDisk.Op.DELETE;
        assertEquals(afterRename, written, "only a failure after the snapshot is in place leaves it written");
        String state = s.describe().get("state");
        if (logForce) {
            assertTrue(state.startsWith("stopped"), "a failed force of the log stops the store: " + state);
        } else {
            assertEquals("accepting writes", state);
            if (!afterRename) {
                assertTrue(s.describe().get("last snapshot").contains("the last attempt failed"),
                        s.describe().get("last snapshot"));
            }
            write(s, expected, 4_000, 5_000);
            assertTrue(s.snapshot(), "the next snapshot succeeds once the disk behaves");
            write(s, expected, 5_000, 5_100);
            assertEquals(1, files(disk, ".snap"), "one snapshot left: " + disk.paths());
            assertEquals(0, files(disk, ".tmp"), "no temporary file left: " + disk.paths());
        }
        SimulatedDisk power = disk.powerLoss(new Random(step.hashCode()));
        SimulatedDisk crash = disk.processCrash();
        s.close();
        if (logForce) {
            // BATCHED: what the failed force held may be lost to a power loss, the first snapshot's state not
            assertPrefix(read(power), 2_000, 4_000);
        } else {
            assertEquals(expected, read(power), "after a power loss");
        }
        assertEquals(expected, read(crash), "after a crash of the process");
    }

    @ParameterizedTest(name = "power loss before: {0}")
    @MethodSource("steps")
    void aPowerLossAtEachStep_losesNothingAcknowledged(Step step) {
        SimulatedDisk disk = new SimulatedDisk();
        FileStore s = store(disk, step.durability());
        s.open(new TestStoreContext());
        s.addNamespace("ns", NamespaceConfig.defaults());
        Map<String, Object> expected = new TreeMap<>();
        write(s, expected, 0, 2_000);
        assertTrue(s.snapshot());
        write(s, expected, 2_000, 4_000);
        AtomicReference<SimulatedDisk> image = new AtomicReference<>();
        Random random = new Random(step.name().hashCode());
        disk.hook((op, path) -> {
            if (step.matches().test(op, path) && image.get() == null) {
                image.set(disk.powerLoss(random));
            }
        });
        assertTrue(s.snapshot());
        s.close();
        assertNotNull(image.get(), "the step was reached");
        if (step.durability() == Durability.SYNC) {
            assertEquals(expected, read(image.get()), "nothing acknowledged is lost");
        } else {
            assertPrefix(read(image.get()), 2_000, 4_000);
        }
        assertFalse(expected.isEmpty());
    }
}
