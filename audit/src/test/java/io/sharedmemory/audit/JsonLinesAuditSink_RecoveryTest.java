package io.sharedmemory.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.audit.JsonLinesAuditSink.Durability;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 18: the file sink recovers when the cause of a failed write goes away (a full disk freed, a channel
 * closed under it), without a change of configuration; every entry is either written whole or refused, never half.
 */
class JsonLinesAuditSink_RecoveryTest {
    @TempDir
    Path dir;

    private final FailingChannel.Disk disk = new FailingChannel.Disk();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private static AccessLogEntry entry(int i) {
        return new AccessLogEntry(1_764_000_000_000L + i, "agent", AccessAction.WRITE, "ns", Integer.toString(i), true,
                null);
    }

    private JsonLinesAuditSink open(Path file) {
        return JsonLinesAuditSink.open(file, Durability.PROCESS_CRASH, disk.opener(), nanos::get);
    }

    private void aSecondLater() {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(JsonLinesAuditSink.RETRY_MILLIS));
    }

    @Test
    void aFullDiskThatIsFreed_isWrittenToAgain_withoutAChangeOfConfiguration() throws Exception {
        Path file = dir.resolve("access.jsonl");
        try (JsonLinesAuditSink sink = open(file)) {
            sink.record(entry(0));
            disk.full = true;
            UncheckedIOException failed = assertThrows(UncheckedIOException.class, () -> sink.record(entry(1)));
            assertTrue(failed.getMessage().contains("not written"), failed.getMessage());
            assertFalse(sink.isOpen());
            assertEquals(List.of(entry(0)), JsonLinesAuditSink.readAll(file), "the torn half was cut off");
            assertTrue(Files.readString(file).endsWith("\n"));

            int writes = disk.writes.get();
            assertThrows(UncheckedIOException.class, () -> sink.record(entry(2)));
            assertEquals(writes, disk.writes.get(), "refused at once, the disk left alone until the retry");

            disk.full = false; // freed, but not retried before its time
            assertThrows(UncheckedIOException.class, () -> sink.record(entry(3)));
            aSecondLater();
            sink.record(entry(4));
            assertTrue(sink.isOpen());
            sink.record(entry(5));
            assertEquals(List.of(entry(0), entry(4), entry(5)), JsonLinesAuditSink.readAll(file));
        }
    }

    @Test
    void aRetryThatFailsToo_waitsAnotherSecond() throws Exception {
        Path file = dir.resolve("access.jsonl");
        try (JsonLinesAuditSink sink = open(file)) {
            disk.full = true;
            assertThrows(UncheckedIOException.class, () -> sink.record(entry(0)));
            aSecondLater();
            int writes = disk.writes.get();
            assertThrows(UncheckedIOException.class, () -> sink.record(entry(1)));
            assertEquals(writes + 1, disk.writes.get(), "retried once");
            assertThrows(UncheckedIOException.class, () -> sink.record(entry(2)));
            assertEquals(writes + 1, disk.writes.get(), "then left alone again");
            disk.full = false;
            aSecondLater();
            sink.record(entry(3));
            assertEquals(List.of(entry(3)), JsonLinesAuditSink.readAll(file));
        }
    }

    @Test
    void aChannelClosedUnderTheSink_isReopenedWithItsLock() throws Exception {
        Path file = dir.resolve("access.jsonl");
        try (JsonLinesAuditSink sink = open(file)) {
            sink.record(entry(0));
            disk.last.close(); // as an interrupted writer thread closes a FileChannel for everyone
            assertThrows(UncheckedIOException.class, () -> sink.record(entry(1)));
            aSecondLater();
            sink.record(entry(2));
            assertEquals(List.of(entry(0), entry(2)), JsonLinesAuditSink.readAll(file));
            IllegalArgumentException locked = assertThrows(IllegalArgumentException.class,
                    () -> JsonLinesAuditSink.open(file));
            assertTrue(locked.getMessage().contains("already open"), "the reopened file is locked again");
        }
    }

    @Test
    void underConcurrentWritersAndAFlappingDisk_everyAcknowledgedEntryIsInTheFile_andNoOtherOne() throws Exception {
        Path file = dir.resolve("access.jsonl");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> refused = ConcurrentHashMap.newKeySet();
        int threads = 4;
        int each = 400;
        try (JsonLinesAuditSink sink = open(file)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * each;
                Thread w = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = first; i < first + each; i++) {
                        try {
                            sink.record(entry(i));
                            acknowledged.add(Integer.toString(i));
                        } catch (UncheckedIOException e) {
                            refused.add(Integer.toString(i));
                        }
                        if (i % 50 == 7) {
                            disk.full = !disk.full;
                            aSecondLater();
                        }
                    }
                });
                writers.add(w);
                w.start();
            }
            start.countDown();
            for (Thread w : writers) {
                w.join(TimeUnit.SECONDS.toMillis(60));
            }
            disk.full = false;
        }
        Set<String> inFile = JsonLinesAuditSink.readAll(file).stream().map(AccessLogEntry::key)
                .collect(Collectors.toSet());
        assertEquals(threads * each, acknowledged.size() + refused.size());
        assertFalse(refused.isEmpty(), "the disk was full at times");
        assertFalse(acknowledged.isEmpty(), "and free at others");
        assertEquals(acknowledged, inFile, "acknowledged = in the file, whole");
        assertEquals(JsonLinesAuditSink.readAll(file).size(), inFile.size(), "each once");
    }
}
