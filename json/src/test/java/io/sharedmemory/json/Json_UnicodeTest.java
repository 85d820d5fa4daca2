package io.sharedmemory.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Text that survives being stored as UTF-8: every writing method gives the same text, a valid surrogate pair is one
 * UTF-8 character, an unpaired surrogate and the two JavaScript line breaks are escaped, and each reads back unchanged.
 */
class Json_UnicodeTest {
    private static final List<String> CASES = List.of(
            "lone high \uD800 surrogate",
            "lone low \uDC00 surrogate",
            "reversed \uDC00\uD800 pair",
            "trailing high \uD83D",
            "emoji \uD83D\uDE00 pair, ünïcödé, 日本語",
            "line\u2028and\u2029paragraph separators",
            "\u0000\u001f controls and \u007f");

    @Test
    void everyWritingMethod_givesTheSameText_andItReadsBackUnchanged() {
        for (String s : CASES) {
            String text = Json.write(s);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Json.write(s, bytes);
            StringWriter chars = new StringWriter();
            Json.write(s, chars);
            assertEquals(text, bytes.toString(StandardCharsets.UTF_8), s);
            assertEquals(text, chars.toString(), s);
            assertEquals(text, Json.pretty(s), s);
            byte[] stored = text.getBytes(StandardCharsets.UTF_8);
            assertEquals(s, Json.parse(stored), "read back from its UTF-8 form: " + s);
            assertEquals(s, Json.parse(new String(stored, StandardCharsets.UTF_8)));
        }
    }

    @Test
    void unpairedSurrogatesAndLineSeparatorsAreEscaped_pairsAreUtf8() {
        assertEquals("\"lone high \\uD800 surrogate\"", Json.write("lone high \uD800 surrogate"));
        assertEquals("\"reversed \\uDC00\\uD800 pair\"", Json.write("reversed \uDC00\uD800 pair"));
        assertEquals("\"line\\u2028and\\u2029paragraph separators\"",
                Json.write("line\u2028and\u2029paragraph separators"));
        assertEquals("\"emoji \uD83D\uDE00\"", Json.write("emoji \uD83D\uDE00"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Json.write("\uD83D\uDE00", bytes);
        assertEquals(6, bytes.size(), "quote, four UTF-8 bytes, quote");
    }
}
