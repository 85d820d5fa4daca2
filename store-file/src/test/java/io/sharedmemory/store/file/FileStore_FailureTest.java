package io.sharedmemory.store.file;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the store answers when the disk fails, on a {@link SimulatedDisk} that fails on demand: a failed force, a full
 * disk when a segment is made, a write into a segment that fails. Each time the write is not acknowledged
 * ({@code STORE_UNAVAILABLE} with the reason, saying whether the outcome is known), is never half-applied, and the
 * store stops accepting writes until it is opened again (fail-stop), while reads go on.
 */
class FileStore_FailureTest {
    private static final Path DIR = Path.of("/simulated/failing");
    private final SimulatedDisk disk = new SimulatedDisk();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final LogCapture log = new LogCapture();
    private SharedMemory memory;

    @AfterEach
    void tearDown() {
        failing.set(false);
        if (memory != null) {
            memory.destroy();
        }
        log.close();
    }

    private SharedMemory open(SimulatedDisk on, Durability durability) {
        return SharedMemory.create(SharedMemoryOptions.builder().store(FileStore.builder(DIR).durability(durability)
                .segmentSize(64 << 10).syncInterval(Duration.ofMillis(20)).disk(on).build()).build());
    }

    private SharedMemory start(Durability durability) {
        memory = open(disk, durability);
        memory.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        return memory;
    }

    private void failOn(SimulatedDisk.Op failing, IOException with) {
        disk.hook((op, path) -> {
            if (op == failing && this.failing.get()) {
                throw with;
            }
        });
        this.failing.set(true);
    }

    private static String state(SharedMemory m) {
        return m.getStats().store().get("state");
    }

    @Test
    void aFailedForce_isNotAcknowledged_andStopsTheStore_whileReadsGoOn() {
        SharedMemory m = start(Durability.SYNC);
        assertTrue(m.write("ns", "k", "v1", "a").isWritten());
        failOn(SimulatedDisk.Op.SEGMENT_FORCE, new IOException("Input/output error"));

        WriteResult failed = m.write("ns", "k", "v2", "a");
        assertEquals(WriteResult.Status.STORE_UNAVAILABLE, failed.status());
        assertTrue(failed.message().contains("Input/output error"), failed.message());
        assertTrue(failed.message().contains("cannot tell whether the change was kept"), failed.message());

        WriteResult later = m.write("ns", "other", "x", "a");
        assertEquals(WriteResult.Status.STORE_UNAVAILABLE, later.status(), "fail-stop: the force is not retried");
        assertTrue(later.message().contains("stopped accepting writes"), later.message());
        assertTrue(later.message().contains("(nothing was changed)"), later.message());
        assertFalse(m.delete("ns", "k", "a"));
        assertThrows(SharedMemoryException.class, () -> m.createNamespace("new"));
        assertEquals("v2", m.read("ns", "k", "a"), "reads go on (the failed write reached the operating system)");
        assertTrue(state(m).startsWith("stopped accepting writes"), state(m));
        assertEquals(List.of(), m.getKeys("ns", "a").stream().filter("other"::equals).toList());
        assertTrue(log.take().stream().anyMatch(l -> l.contains("stopped accepting writes")));

        // what the disk holds: v1 surely (forced); v2 reached the operating system, not known forced
        SimulatedDisk crash = disk.processCrash();
        SimulatedDisk power = disk.powerLoss(new Random(1));
        m.destroy();
        memory = null;
        SharedMemory afterCrash = open(crash, Durability.SYNC);
        assertEquals("v2", afterCrash.read("ns", "k", "a"));
        assertTrue(afterCrash.write("ns", "k", "v3", "a").isWritten(), "a reopened store accepts writes again");
        afterCrash.destroy();
        SharedMemory afterPowerLoss = open(power, Durability.SYNC);
        assertEquals("v1", afterPowerLoss.read("ns", "k", "a"), "the acknowledged value survives a power loss");
        afterPowerLoss.destroy();
    }

    @Test
    void aFailedPeriodicForce_stopsABatchedStore() {
        SharedMemory m = start(Durability.BATCHED);
        assertTrue(m.write("ns", "k", "v1", "a").isWritten());
        failOn(SimulatedDisk.Op.SEGMENT_FORCE, new IOException("Input/output error"));
        assertTrue(m.write("ns", "k", "v2", "a").isWritten(), "BATCHED acknowledges once the OS has it");
        await().atMost(Duration.ofSeconds(30)).until(() -> state(m).startsWith("stopped"));
        WriteResult refused = m.write("ns", "k", "v3", "a");
        assertEquals(WriteResult.Status.STORE_UNAVAILABLE, refused.status());
        assertTrue(refused.message().contains("Input/output error"), refused.message());
        assertEquals("v2", m.read("ns", "k", "a"));
    }

    @Test
    void aFullDisk_whenASegmentIsMade_refusesTheWriteThatNeedsIt_withNothingChanged() {
        SharedMemory m = start(Durability.BATCHED);
        failOn(SimulatedDisk.Op.CREATE_SEGMENT, new IOException("No space left on device"));
        String big = "x".repeat(4_000);
        WriteResult r = null;
        int written = 0;
        for (int i = 0; i < 100; i++) {
            r = m.write("ns", "k" + (i % 5), big + i, "a");
            if (!r.isWritten()) {
                break;
            }
            written = i + 1;
        }
        assertEquals(WriteResult.Status.STORE_UNAVAILABLE, r.status());
        assertTrue(r.message().contains("No space left on device"), r.message());
        assertTrue(r.message().contains("log-"), "names the segment: " + r.message());
        assertTrue(r.message().contains("(nothing was changed)"), r.message());
        assertEquals(big + (written - 5), m.read("ns", "k" + (written % 5), "a"), "never half-applied");
        assertEquals(WriteResult.Status.STORE_UNAVAILABLE, m.write("ns", "small", "v", "a").status());
        SimulatedDisk crash = disk.processCrash();
        m.destroy();
        memory = null;
        SharedMemory again = open(crash, Durability.BATCHED);
        for (int i = Math.max(0, written - 5); i < written; i++) {
            assertEquals(big + i, again.read("ns", "k" + (i % 5), "a"));
        }
        again.destroy();
    }

    @Test
    void aWriteIntoTheSegmentThatFails_isNotAcknowledged_andNothingIsInstalled() {
        SharedMemory m = start(Durability.BATCHED);
        assertTrue(m.write("ns", "k", "v1", "a").isWritten());
        disk.hook((op, path) -> {
            if (op == SimulatedDisk.Op.SEGMENT_WRITE && failing.get()) {
                throw new IOException("simulated fault while copying into the mapped segment");
            }
        });
        failing.set(true);
        WriteResult r = m.write("ns", "k", "v2", "a");
        failing.set(false);
        assertEquals(WriteResult.Status.STORE_UNAVAILABLE, r.status());
        assertTrue(r.message().contains("cannot tell whether the change was kept"), r.message());
        assertEquals("v1", m.read("ns", "k", "a"), "the step threw: the memory installed nothing");
        assertEquals(1, m.readEntry("ns", "k", "a").orElseThrow().version());
        assertEquals(WriteResult.Status.STORE_UNAVAILABLE, m.write("ns", "k", "v3", "a").status());
    }
}
