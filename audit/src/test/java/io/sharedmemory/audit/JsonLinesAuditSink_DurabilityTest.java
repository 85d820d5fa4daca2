package io.sharedmemory.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.audit.JsonLinesAuditSink.Durability;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesAuditSink_DurabilityTest {
    @TempDir
    Path dir;

    private static AccessLogEntry entry(int i) {
        return new AccessLogEntry(1_764_000_000_000L + i, "agent", AccessAction.WRITE, "ns", Integer.toString(i), true,
                null);
    }

    private static List<AccessLogEntry> entries(int from, int to) {
        return IntStream.range(from, to).mapToObj(JsonLinesAuditSink_DurabilityTest::entry)
                .collect(Collectors.toList());
    }

    private static List<String> keys(List<AccessLogEntry> entries) {
        return entries.stream().map(AccessLogEntry::key).collect(Collectors.toList());
    }

    @Test
    void record_isInTheFileWhenItReturns_beforeAnyClose() throws Exception {
        Path file = dir.resolve("a.jsonl");
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
            sink.record(entry(1));
            assertEquals(List.of(entry(1)), JsonLinesAuditSink.readAll(file));
            sink.record(entry(2));
            assertEquals(entries(1, 3), JsonLinesAuditSink.readAll(file));
        }
    }

    @Test
    void open_createsMissingParentDirectories() {
        Path file = dir.resolve("audit/nested/access.jsonl");
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
            sink.record(entry(0));
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(List.of(entry(0)), JsonLinesAuditSink.readAll(file));
    }

    @Test
    void restart_appendsAfterWhatIsThere() throws Exception {
        Path file = dir.resolve("a.jsonl");
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
            entries(0, 3).forEach(sink::record);
        }
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file, Durability.POWER_LOSS)) {
            entries(3, 5).forEach(sink::record);
        }
        assertEquals(entries(0, 5), JsonLinesAuditSink.readAll(file));
    }

    @Test
    void tornLastLine_isIgnoredByReadAllAndCutOffOnReopen() throws Exception {
        Path file = dir.resolve("torn.jsonl");
        String whole = JsonLinesAuditSink.toJsonLine(entry(0)) + JsonLinesAuditSink.toJsonLine(entry(1));
        String torn = JsonLinesAuditSink.toJsonLine(entry(2));
        Files.writeString(file, whole + torn.substring(0, torn.length() / 2));
        assertEquals(entries(0, 2), JsonLinesAuditSink.readAll(file));

        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
            assertEquals(whole, Files.readString(file), "the torn line is cut off at once");
            sink.record(entry(3));
        }
        assertEquals(List.of("0", "1", "3"), keys(JsonLinesAuditSink.readAll(file)));
    }

    @Test
    void tornMultiByteCharacter_isCutOffToo() throws Exception {
        Path file = dir.resolve("torn-utf8.jsonl");
        byte[] good = JsonLinesAuditSink.toJsonLine(entry(0)).getBytes(StandardCharsets.UTF_8);
        byte[] torn = "{\"timestamp\":\"2026-11-25T10:15:30Z\",\"agentId\":\"\u65e5".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[good.length + torn.length - 1];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(torn, 0, all, good.length, torn.length - 1);
        Files.write(file, all);
        assertEquals(List.of(entry(0)), JsonLinesAuditSink.readAll(file));
        JsonLinesAuditSink.open(file).close();
        assertEquals(good.length, Files.size(file));
    }

    @Test
    void fileOfOnlyATornLine_isEmptiedOnReopen() throws Exception {
        Path file = dir.resolve("only-torn.jsonl");
        Files.writeString(file, "{\"timestamp\":\"2026");
        assertEquals(List.of(), JsonLinesAuditSink.readAll(file));
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
            sink.record(entry(7));
        }
        assertEquals(List.of(entry(7)), JsonLinesAuditSink.readAll(file));
    }

    @Test
    void killedProcess_losesNoAcknowledgedEntry() throws Exception {
        Path file = dir.resolve("crash.jsonl");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashingAuditWriter.class.getName(), file.toString()).redirectErrorStream(true).start();
        int acknowledged = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (acknowledged < 2_000 && (line = out.readLine()) != null) {
                try {
                    acknowledged = Integer.parseInt(line.strip());
                } catch (NumberFormatException e) {
                    throw new AssertionError("the writer failed: " + line
                            + out.lines().limit(20).collect(Collectors.joining("\n")));
                }
            }
            // SIGKILL: no shutdown hook, no close, no flush; only what the OS already has survives
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        assertTrue(acknowledged >= 2_000, "the writer acknowledged only " + acknowledged);

        List<String> found = keys(JsonLinesAuditSink.readAll(file));
        assertTrue(found.size() > acknowledged, found.size() + " entries in the file, " + (acknowledged + 1)
                + " acknowledged");
        for (int i = 0; i < found.size(); i++) {
            assertEquals(Integer.toString(i), found.get(i), "entry " + i);
        }
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
            sink.record(entry(-1));
        }
        assertEquals(found.size() + 1, JsonLinesAuditSink.readAll(file).size());
    }

    @Test
    void failedWrite_isNotAcknowledged_andEntriesAreRefusedWhileTheDiskStaysFull() throws Exception {
        // /dev/full accepts opens and fails every write with ENOSPC: a disk that is full, on demand
        Path full = Path.of("/dev/full");
        Assumptions.assumeTrue(Files.isWritable(full), "needs Linux's /dev/full");
        JsonLinesAuditSink sink = JsonLinesAuditSink.open(full);
        try {
            UncheckedIOException first = assertThrows(UncheckedIOException.class, () -> sink.record(entry(0)));
            assertTrue(first.getMessage().contains("not written"), first.getMessage());
            assertFalse(sink.isOpen());
            UncheckedIOException later = assertThrows(UncheckedIOException.class, () -> sink.record(entry(1)));
            assertTrue(later.getMessage().contains("not written"), later.getMessage());
            assertFalse(sink.isOpen());
        } finally {
            sink.close();
        }
    }

    @Test
    void close_isIdempotentAndLaterRecordsAreRefused() throws Exception {
        Path file = dir.resolve("closed.jsonl");
        JsonLinesAuditSink sink = JsonLinesAuditSink.open(file);
        sink.record(entry(0));
        assertTrue(sink.isOpen());
        sink.close();
        sink.close();
        assertFalse(sink.isOpen());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sink.record(entry(1)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertEquals(List.of(entry(0)), JsonLinesAuditSink.readAll(file));
    }

    @Test
    void open_aDirectory_isRefusedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonLinesAuditSink.open(dir));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
    }

    @Test
    void open_underARegularFile_isRefusedClearly() throws Exception {
        Path notADir = Files.writeString(dir.resolve("plain"), "x");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> JsonLinesAuditSink.open(notADir.resolve("access.jsonl")));
        assertTrue(e.getMessage().contains("Cannot open audit file"), e.getMessage());
    }

    @Test
    void open_aFileAlreadyOpen_isRefusedAndTheFirstSinkKeepsWorking() throws Exception {
        Path file = dir.resolve("twice.jsonl");
        try (JsonLinesAuditSink first = JsonLinesAuditSink.open(file)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JsonLinesAuditSink.open(file));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
            first.record(entry(0));
        }
        assertEquals(List.of(entry(0)), JsonLinesAuditSink.readAll(file));
        JsonLinesAuditSink.open(file).close();
    }

    @Test
    void record_null_isRefusedAndWritesNothing() throws Exception {
        Path file = dir.resolve("null.jsonl");
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
            assertThrows(NullPointerException.class, () -> sink.record(null));
        }
        assertEquals(0, Files.size(file));
    }

    @Test
    void describesItself() throws Exception {
        Path file = dir.resolve("d.jsonl");
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file, Durability.POWER_LOSS)) {
            assertEquals(file.toAbsolutePath(), sink.file());
            assertEquals(Durability.POWER_LOSS, sink.durability());
            assertTrue(sink.toString().contains("d.jsonl"));
        }
        List<AccessLogEntry> none = new ArrayList<>();
        assertEquals(none, JsonLinesAuditSink.readAll(file));
    }
}
