package io.sharedmemory.store.file;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.engine.conformance.TestStoreContext;
import io.sharedmemory.store.CommitHook;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.KeyStep;
import io.sharedmemory.store.StoreCodec;
import io.sharedmemory.store.StoreContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A snapshot's cut is settled: a change whose record is in the log before the cut, but which the memory table has not
 * installed yet when the snapshot starts, is in the snapshot — never in neither the snapshot nor the log replayed after
 * it. The change is held, deterministically, between its append and its install (a memory table that pauses there),
 * while a snapshot runs; a crash of the process after the snapshot must bring the change back.
 *
 * <p>Without the settled cut the snapshot completes while the change is held: it holds the table's old state, recovery
 * replays the log only from the snapshot's cut, which lies after the change's record, and the change is lost (a write
 * undone, a deleted key or a cleared namespace back). With it, the snapshot waits for the change (its thread is seen
 * waiting in the log's {@code settledMark}, twice, a while apart) and the change is released only then.
 */
class FileStore_SnapshotCutTest {
    private static final Path DIR = Path.of("/simulated/cut");

    enum Change { WRITE, DELETE, CLEAR }

    @ParameterizedTest(name = "{0} in flight")
    @EnumSource(Change.class)
    void aChangeAppendedButNotInstalled_isInTheSnapshot(Change change) throws Exception {
        SimulatedDisk disk = new SimulatedDisk();
        PausingContext context = new PausingContext();
        FileStore s = store(disk);
        s.open(context);
        s.addNamespace("ns", NamespaceConfig.defaults());
        EntryTable t = s.entries("ns");
        Map<String, Object> expected = new TreeMap<>();
        for (int i = 0; i < 20; i++) {
            MemoryEntry e = entry("before " + i, 1);
            t.apply("k" + i, cur -> Decision.put(e), null);
            expected.put("k" + i, e.value());
        }

        Thread changer = switch (change) {
            case WRITE -> {
                context.pauseKey = "k7";
                expected.put("k7", "after");
                yield start(() -> t.apply("k7", cur -> Decision.put(entry("after", 2)), null));
            }
            case DELETE -> {
                context.pauseKey = "k7";
                expected.remove("k7");
                yield start(() -> t.apply("k7", cur -> Decision.remove(), null));
            }
            case CLEAR -> {
                context.pauseClear = true;
                expected.clear();
                yield start(t::clear);
            }
        };
        AtomicBoolean written = new AtomicBoolean();
        SimulatedDisk crashed;
        try {
            assertTrue(context.paused.await(30, TimeUnit.SECONDS), "the change reached its pause");
            Thread snapshot = start(() -> written.set(s.snapshot()));
            // either the snapshot waits for the change (as it must), or it finished without it (the defect)
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !snapshot.isAlive() || waitsForChanges(snapshot));
            if (snapshot.isAlive()) {
                // still there a while later: waiting, not passing through
                await().pollDelay(Duration.ofMillis(100)).atMost(Duration.ofSeconds(30))
                        .until(() -> !snapshot.isAlive() || waitsForChanges(snapshot));
            }
            context.release.countDown();
            changer.join(30_000);
            snapshot.join(30_000);
            assertFalse(changer.isAlive() || snapshot.isAlive(), "the change and the snapshot ended");
            assertTrue(written.get(), "the snapshot was written: " + s.describe());
            crashed = disk.processCrash();
        } finally {
            context.release.countDown();
            s.close();
        }
        assertEquals(expected, read(crashed), "after a crash of the process that followed the snapshot");
    }

    private static boolean waitsForChanges(Thread snapshot) {
        return Arrays.stream(snapshot.getStackTrace()).anyMatch(
                f -> f.getClassName().endsWith("internal.Log") && f.getMethodName().equals("settledMark"));
    }

    private static FileStore store(SimulatedDisk disk) {
        return FileStore.builder(DIR).durability(Durability.BATCHED).segmentSize(64 << 10)
                .syncInterval(Duration.ofHours(1)).snapshotAfterBytes(1L << 40).disk(disk).build();
    }

    private static MemoryEntry entry(String value, long version) {
        return MemoryEntry.of(value, "agent", 1, version, Map.of(), MemoryEntry.NO_EXPIRY);
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r, "cut-test");
        t.setDaemon(true);
        t.start();
        return t;
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

    /** The engine's context, with memory tables that hold one change between the store's append and the install. */
    private static final class PausingContext implements StoreContext {
        private final TestStoreContext engine = new TestStoreContext();
        final CountDownLatch paused = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile String pauseKey;
        volatile boolean pauseClear;

        @Override
        public Clock clock() {
            return engine.clock();
        }

        @Override
        public StoreCodec codec() {
            return engine.codec();
        }

        @Override
        public EntryTable newMemoryTable() {
            return new PausingTable(engine.newMemoryTable());
        }

        void pause() {
            paused.countDown();
            try {
                if (!release.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private final class PausingTable implements EntryTable {
            private final EntryTable table;

            PausingTable(EntryTable table) {
                this.table = table;
            }

            @Override
            public Decision apply(String key, KeyStep step, CommitHook hook) {
                if (!key.equals(pauseKey)) {
                    return table.apply(key, step, hook);
                }
                // the file store's step appends its record as it decides: the pause is after the append, before the
                // table installs the decision
                return table.apply(key, new KeyStep() {
                    @Override
                    public Decision decide(MemoryEntry current) {
                        Decision d = step.decide(current);
                        pause();
                        return d;
                    }

                    @Override
                    public Decision decide(MemoryEntry current, long version, long expiresAtMillis) {
                        Decision d = step.decide(current, version, expiresAtMillis);
                        pause();
                        return d;
                    }

                    @Override
                    public boolean holdsRoom() {
                        return step.holdsRoom();
                    }
                }, hook);
            }

            @Override
            public void clear() {
                if (pauseClear) {
                    pause(); // the file store appended the clear before it calls this
                }
                table.clear();
            }

            @Override
            public MemoryEntry get(String key) {
                return table.get(key);
            }

            @Override
            public Object liveValue(String key, long nowMillis) {
                return table.liveValue(key, nowMillis);
            }

            @Override
            public void forEach(BiConsumer<String, MemoryEntry> action) {
                table.forEach(action);
            }

            @Override
            public long size() {
                return table.size();
            }

            @Override
            public boolean reserve(int maxEntries) {
                return table.reserve(maxEntries);
            }

            @Override
            public void release() {
                table.release();
            }
        }
    }
}
