package io.sharedmemory.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesAuditSink_FormatTest {
    @TempDir
    Path dir;

    private static final Instant T = Instant.parse("2026-11-25T10:15:30.123Z");

    @Test
    void line_hasTheDocumentedFieldsInOrder() {
        AccessLogEntry e = new AccessLogEntry(T, "agent-1", AccessAction.WRITE, "team", "task", false,
                "Insufficient permissions");
        assertEquals("{\"timestamp\":\"2026-11-25T10:15:30.123Z\",\"agentId\":\"agent-1\",\"action\":\"WRITE\","
                + "\"namespace\":\"team\",\"key\":\"task\",\"success\":false,\"error\":\"Insufficient permissions\"}\n",
                JsonLinesAuditSink.toJsonLine(e));
    }

    @Test
    void line_absentValuesAreJsonNull() {
        AccessLogEntry e = new AccessLogEntry(T, null, AccessAction.CLEAR, null, null, true, null);
        assertEquals("{\"timestamp\":\"2026-11-25T10:15:30.123Z\",\"agentId\":null,\"action\":\"CLEAR\","
                + "\"namespace\":null,\"key\":null,\"success\":true,\"error\":null}\n",
                JsonLinesAuditSink.toJsonLine(e));
    }

    @Test
    void roundTrip_everyActionAndNulls() throws Exception {
        Path file = dir.resolve("access.jsonl");
        List<AccessLogEntry> entries = new ArrayList<>();
        int i = 0;
        for (AccessAction a : AccessAction.values()) {
            entries.add(new AccessLogEntry(T.plusMillis(i++), "agent-" + i, a, "ns", "key-" + i, true, null));
            entries.add(new AccessLogEntry(T.plusSeconds(i++), null, a, null, null, false,
                    "Namespace \"x\" does not exist"));
        }
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
            entries.forEach(sink::record);
        }
        assertEquals(entries, JsonLinesAuditSink.readAll(file));
    }

    static final List<String> HOSTILE = List.of(
            "plain",
            "",
            "quote\" and \\ backslash \\\" both",
            "\"}\n{\"agentId\":\"forged\",\"success\":true}",
            "new\nline\rcarriage\ttab\bback\fform",
            controlChars(),
            "line\u2028and\u2029paragraph separators",
            "lone high \uD800 surrogate",
            "lone low \uDC00 surrogate",
            "reversed \uDC00\uD800 pair",
            "trailing high \uD83D",
            "emoji \uD83D\uDE00 pair, ünïcödé, 日本語",
            "\u0000nul at start",
            "slash / and \u007f del",
            "</script><!-- html -->");

    private static String controlChars() {
        StringBuilder b = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            b.append(c);
        }
        return b.toString();
    }

    @Test
    void hostileStrings_stayOneValidLineEachAndRoundTrip() throws Exception {
        Path file = dir.resolve("hostile.jsonl");
        List<AccessLogEntry> entries = new ArrayList<>();
        for (String s : HOSTILE) {
            entries.add(new AccessLogEntry(T, s, AccessAction.WRITE, s, s, false, s));
        }
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
            entries.forEach(sink::record);
        }
        byte[] bytes = Files.readAllBytes(file);
        long newlines = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                newlines++;
            } else {
                assertTrue((b & 0xff) >= 0x20, "raw control byte " + b + " in the file");
            }
        }
        assertEquals(HOSTILE.size(), newlines, "one line per entry");
        String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        assertTrue(text.contains("lone high \\uD800 surrogate"), "unpaired surrogates are escaped");
        assertTrue(text.contains("line\\u2028and\\u2029paragraph"), "line separators are escaped");
        assertTrue(text.contains("\uD83D\uDE00"), "a valid pair is written as UTF-8");
        assertEquals(entries, JsonLinesAuditSink.readAll(file));
    }

    @Test
    void readAll_ignoresUnknownFieldsAndSpacing() throws Exception {
        Path file = dir.resolve("future.jsonl");
        Files.writeString(file, "{ \"success\" : true, \"action\":\"READ\", \"extra\": {\"a\": [1, 2.5e3, null]},"
                + " \"timestamp\":\"2026-11-25T10:15:30Z\", \"agentId\":\"a\" }\n");
        assertEquals(List.of(new AccessLogEntry(Instant.parse("2026-11-25T10:15:30Z"), "a", AccessAction.READ, null,
                null, true, null)), JsonLinesAuditSink.readAll(file));
    }

    @Test
    void readAll_malformedWholeLine_isRefusedNamingTheLine() throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, JsonLinesAuditSink.toJsonLine(new AccessLogEntry(T, "a", AccessAction.READ, "n", "k",
                true, null)) + "{\"timestamp\":\"yesterday\",\"action\":\"READ\",\"success\":true}\n");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> JsonLinesAuditSink.readAll(file));
        assertTrue(e.getMessage().contains(":2:"), e.getMessage());
    }

    @Test
    void readAll_missingFile_isRefused() {
        assertThrows(UncheckedIOException.class, () -> JsonLinesAuditSink.readAll(dir.resolve("none.jsonl")));
    }
}
