package io.sharedmemory.engine.internal.values;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueCodecTest {
    /** A string is stored as its length in bytes, then its UTF-8 bytes, ASCII or not (logs on disk hold this form). */
    @Test
    void aString_isItsUtf8Length_thenItsUtf8Bytes_andReadsBack() throws Exception {
        for (String s : List.of("", "task-0000001", "agent-3", "\u007f", "caf\u00e9", "\u00e9", "\ud83d\ude80 go",
                "x".repeat(70_000))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ValueCodec.writeString(s, new DataOutputStream(bytes));
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            DataOutputStream e = new DataOutputStream(expected);
            e.writeInt(utf8.length);
            e.write(utf8);
            assertArrayEquals(expected.toByteArray(), bytes.toByteArray(), s);
            assertEquals(s, ValueCodec.readString(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        }
    }
}
