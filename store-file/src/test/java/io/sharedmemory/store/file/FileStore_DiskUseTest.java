package io.sharedmemory.store.file;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log does not grow without bound: a memory that rewrites the same keys over and over keeps its directory within a
 * small multiple of its live data (snapshots replace the log they cover, which is deleted), on its own, while writes
 * go on; and everything is back after the restart.
 */
class FileStore_DiskUseTest {
    private static final int SEGMENT = 64 << 10;

    @TempDir
    Path dir;

    private static long size(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // deleted meanwhile
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void rewritingTheSameKeys_keepsTheDirectoryWithinASmallMultipleOfTheLiveData() {
        SharedMemory m = SharedMemory.create(SharedMemoryOptions.builder().store(FileStore.builder(dir)
                .segmentSize(SEGMENT).syncInterval(Duration.ofMillis(10)).build()).build());
        m.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        int keys = 500;
        int writes = 40_000;
        long logged = 0;
        for (int i = 0; i < writes; i++) {
            String value = "value " + i + " " + "x".repeat(i % 60);
            assertTrue(m.write("ns", "key-" + i % keys, value, "agent").isWritten());
            logged += value.length() + 40;
        }
        long written = logged;
        // live data: the last value of each key; snapshots bound the directory to a few times that, plus the
        // segments being written (made full size ahead of need)
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            long snapshot = size(dir, ".snap");
            long segments = size(dir, ".seg");
            return snapshot > 0 && segments <= 2 * Math.max(snapshot, SEGMENT) + 3L * SEGMENT;
        });
        long total = size(dir, ".snap") + size(dir, ".seg");
        assertTrue(total < written / 10, "the directory holds " + total + " bytes after " + written
                + " bytes of writes to " + keys + " keys");
        m.destroy();
        SharedMemory again = SharedMemory.create(SharedMemoryOptions.builder().store(FileStore.open(dir)).build());
        try {
            assertEquals(keys, again.getKeys("ns", "agent").size());
            int last = writes - 1;
            assertEquals("value " + last + " " + "x".repeat(last % 60), again.read("ns", "key-" + last % keys,
                    "agent"));
        } finally {
            again.destroy();
        }
    }
}
