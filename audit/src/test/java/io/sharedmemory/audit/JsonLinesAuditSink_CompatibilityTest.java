package io.sharedmemory.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audit files written before the sink moved to the project's JSON codec (the fixture, written by the sink's own
 * writer of that time) still read, the sink appends to them, and it writes the same text as before, but for the case
 * of the hexadecimal digits in {@code \\u} escapes.
 */
class JsonLinesAuditSink_CompatibilityTest {
    private static final Instant T = Instant.parse("2026-11-25T10:15:30.123Z");

    @TempDir
    Path dir;

    private static List<AccessLogEntry> fixtureEntries() {
        List<AccessLogEntry> entries = new ArrayList<>();
        for (String s : JsonLinesAuditSink_FormatTest.HOSTILE) {
            if (!s.equals(controlCharacters())) {
                entries.add(new AccessLogEntry(T, s, AccessAction.WRITE, s, s, false, s));
            }
        }
        entries.add(new AccessLogEntry(T, null, AccessAction.CLEAR, null, null, true, null));
        return entries;
    }

    private static String controlCharacters() {
        StringBuilder b = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            b.append(c);
        }
        return b.toString();
    }

    private static String fixture() throws Exception {
        try (InputStream in = JsonLinesAuditSink_CompatibilityTest.class
                .getResourceAsStream("written-before-the-json-codec.jsonl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String lowerCaseEscapes(String s) {
        Matcher m = Pattern.compile("\\\\u([0-9A-Fa-f]{4})").matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement("\\u" + m.group(1).toLowerCase(java.util.Locale.ROOT)));
        }
        return m.appendTail(b).toString();
    }

    @Test
    void aFileWrittenBefore_readsBackEntryForEntry() throws Exception {
        Path file = Files.writeString(dir.resolve("old.jsonl"), fixture(), StandardCharsets.UTF_8);
        assertEquals(fixtureEntries(), JsonLinesAuditSink.readAll(file));
    }

    @Test
    void theSinkWritesTheSameLinesAsBefore_butForTheCaseOfEscapes() throws Exception {
        StringBuilder now = new StringBuilder();
        for (AccessLogEntry e : fixtureEntries()) {
            now.append(JsonLinesAuditSink.toJsonLine(e));
        }
        assertEquals(lowerCaseEscapes(fixture()), lowerCaseEscapes(now.toString()));
    }

    @Test
    void theSinkAppendsToAFileWrittenBefore() throws Exception {
        Path file = Files.writeString(dir.resolve("mixed.jsonl"), fixture(), StandardCharsets.UTF_8);
        AccessLogEntry later = new AccessLogEntry(T.plusSeconds(1), "agent-1", AccessAction.READ, "tasks", "t1",
                true, null);
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file)) {
            sink.record(later);
        }
        List<AccessLogEntry> expected = new ArrayList<>(fixtureEntries());
        expected.add(later);
        assertEquals(expected, JsonLinesAuditSink.readAll(file));
    }
}
