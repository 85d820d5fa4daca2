package io.sharedmemory.osgitests;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The heart of hot swap: writers keep writing while the strategies bundle is stopped, started and updated to a new
 * version. Every write is either acknowledged (WRITTEN) and then readable exactly as acknowledged, or refused with
 * STRATEGY_UNAVAILABLE; no acknowledged write is lost and no refused one leaves a trace.
 */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class HotSwap_StrategiesBundleTest {
    private static final int WRITERS = 4;
    private static final String LATEST = "hotswap-latest";
    private static final String MERGE = "hotswap-merge";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    SharedMemory memory;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    private ExecutorService pool;

    @AfterEach
    void stopWritersAndRestoreTheBundle() throws Exception {
        running.set(false);
        if (pool != null) {
            pool.shutdownNow();
            pool.awaitTermination(10, SECONDS);
        }
        Bundle strategies = Bundles.bySymbolicName(context, "io.sharedmemory.strategies");
        if (strategies.getState() != Bundle.ACTIVE) {
            strategies.start();
        }
    }

    /** What one writer saw: the versions and values of its acknowledged writes, in order. */
    private static final class Writer {
        final String id;
        final List<long[]> latestAcks = new ArrayList<>(); // {seq, version}
        final Set<String> mergeAcks = new TreeSet<>();

        Writer(int i) {
            id = "writer-" + i;
        }
    }

    private void write(Writer w) {
        long seq = 0;
        while (running.get()) {
            seq++;
            WriteResult r = memory.write(LATEST, w.id, seq, w.id);
            if (acknowledged(r)) {
                w.latestAcks.add(new long[] {seq, r.version()});
            }
            String field = w.id + "-" + seq;
            if (acknowledged(memory.write(MERGE, "board", Map.of(field, seq), w.id))) {
                w.mergeAcks.add(field);
            }
        }
    }

    private boolean acknowledged(WriteResult r) {
        switch (r.status()) {
            case WRITTEN -> {
                acknowledged.incrementAndGet();
                return true;
            }
            case STRATEGY_UNAVAILABLE -> unavailable.incrementAndGet();
            default -> unexpected.add(r.toString());
        }
        return false;
    }

    private void awaitMoreAcks(int atLeast) {
        int from = acknowledged.get();
        await().atMost(30, SECONDS).until(() -> acknowledged.get() >= from + atLeast);
    }

    @Test
    void stopStartAndUpdateOfTheStrategiesBundleLoseNoAcknowledgedWrite() throws Exception {
        NamespaceConfig.Builder open = NamespaceConfig.builder().defaultPermission(Permission.WRITE);
        memory.createNamespace(LATEST, open.conflictStrategy(NamespaceConfig.LATEST_WINS).build());
        memory.createNamespace(MERGE, open.conflictStrategy(NamespaceConfig.MERGE).build());
        Bundle strategies = Bundles.bySymbolicName(context, "io.sharedmemory.strategies");
        byte[] original = Bundles.content(strategies);

        List<Writer> writers = new ArrayList<>();
        pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            Writer w = new Writer(i);
            writers.add(w);
            futures.add(pool.submit(() -> write(w)));
        }
        awaitMoreAcks(200);

        for (int round = 0; round < 2; round++) {
            int refusedBefore = unavailable.get();
            strategies.stop();
            await().atMost(30, SECONDS).until(() -> unavailable.get() >= refusedBefore + 50);
            strategies.start();
            awaitMoreAcks(200);
        }

        Version next = new Version(strategies.getVersion().getMajor(), strategies.getVersion().getMinor(),
                strategies.getVersion().getMicro() + 1, "hotswap");
        strategies.update(Bundles.withVersion(original, next.toString()));
        Bundles.refresh(context, strategies);
        assertEquals(next, strategies.getVersion());
        assertEquals(Bundle.ACTIVE, strategies.getState());
        awaitMoreAcks(200);

        this.running.set(false);
        for (Future<?> f : futures) {
            f.get(30, SECONDS);
        }

        assertTrue(unexpected.isEmpty(), () -> "writes neither written nor STRATEGY_UNAVAILABLE: " + unexpected);
        assertTrue(unavailable.get() > 0, "the stops were never seen by a writer");
        for (Writer w : writers) {
            MemoryEntry e = memory.readEntry(LATEST, w.id, w.id).orElseThrow();
            long[] last = w.latestAcks.get(w.latestAcks.size() - 1);
            assertEquals(last[0], ((Number) e.value()).longValue(), w.id + ": the last acknowledged value");
            assertEquals(last[1], e.version(), w.id + ": the last acknowledged version");
            assertEquals(w.latestAcks.size(), e.version(), w.id + ": one version per acknowledged write, no more");
            for (int i = 0; i < w.latestAcks.size(); i++) {
                assertEquals(i + 1, w.latestAcks.get(i)[1], w.id + ": acknowledged versions are 1, 2, 3, ...");
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> board = (Map<String, Object>) memory.read(MERGE, "board", "writer-0");
        Set<String> acked = new TreeSet<>();
        writers.forEach(w -> acked.addAll(w.mergeAcks));
        assertEquals(acked, new TreeSet<>(board.keySet()),
                "the merged board holds exactly the acknowledged writes: none lost, none refused and kept");
    }
}
