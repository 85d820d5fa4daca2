package io.sharedmemory.engine.internal.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sharedmemory.api.SharedMemory;
import org.junit.jupiter.api.Test;

/** The limits on names, keys and agent ids, each at its edge and each with the exact reason a caller is given. */
class NamesTest {
    @Test
    void lengths_areAcceptedUpToTheLimit_andTheRefusalSaysBoth() {
        assertNull(Names.checkNamespace("n".repeat(SharedMemory.MAX_NAME_LENGTH)));
        assertEquals("Invalid namespace name: 257 characters, the limit is 256",
                Names.checkNamespace("n".repeat(SharedMemory.MAX_NAME_LENGTH + 1)));
        assertNull(Names.checkAgent("a".repeat(SharedMemory.MAX_NAME_LENGTH)));
        assertEquals("Invalid agent id: 257 characters, the limit is 256",
                Names.checkAgent("a".repeat(SharedMemory.MAX_NAME_LENGTH + 1)));
        assertNull(Names.checkKey("k".repeat(SharedMemory.MAX_KEY_LENGTH)));
        assertEquals("Invalid key: 1025 characters, the limit is 1024",
                Names.checkKey("k".repeat(SharedMemory.MAX_KEY_LENGTH + 1)));
        assertNull(Names.checkKey("k"));
        // a long name of non-ASCII characters takes the slow path, and the same limit
        assertNull(Names.checkNamespace("é".repeat(SharedMemory.MAX_NAME_LENGTH)));
        assertEquals("Invalid namespace name: 257 characters, the limit is 256",
                Names.checkNamespace("é".repeat(SharedMemory.MAX_NAME_LENGTH + 1)));
    }

    @Test
    void nullEmptyAndBlank() {
        assertEquals("Invalid key: null", Names.checkKey(null));
        assertEquals("Invalid key: empty", Names.checkKey(""));
        assertEquals("Invalid key: blank", Names.checkKey(" "));
        assertEquals("Invalid key: blank", Names.checkKey("   "));
        assertEquals("Invalid key: blank", Names.checkKey("\u00A0"));
        assertEquals("Invalid key: blank", Names.checkKey(" \u2003\u3000 "));
        assertNull(Names.checkKey(" x "));
        assertNull(Names.checkKey("\u00A0x"));
        assertNull(Names.checkKey("x\u00A0"));
        assertNull(Names.checkKey("\u2003é"));
    }

    @Test
    void printableCharacters_atTheEdgesOfAscii_areAccepted() {
        assertNull(Names.checkKey("!"));
        assertNull(Names.checkKey("~"));
        assertNull(Names.checkKey("a b"));
        assertNull(Names.checkKey("\u00A1"));
        assertNull(Names.checkKey("日本"));
        assertNull(Names.checkKey("\uD83D\uDE00"));
        assertNull(Names.checkKey("x\uD83D\uDE00y"));
    }

    @Test
    void controlCharacters_areNamedWithTheirIndex() {
        assertEquals("Invalid key: control character U+0000 at index 1", Names.checkKey("a\u0000"));
        assertEquals("Invalid key: control character U+001F at index 0", Names.checkKey("\u001F"));
        assertEquals("Invalid key: control character U+000A at index 4", Names.checkKey("line\nbreak"));
        assertEquals("Invalid key: control character U+007F at index 2", Names.checkKey("ab\u007F"));
        assertEquals("Invalid key: control character U+0080 at index 0", Names.checkKey("\u0080"));
        assertEquals("Invalid key: control character U+009F at index 1", Names.checkKey("é\u009F"));
        assertEquals("Invalid agent id: control character U+0009 at index 0", Names.checkAgent("\t"));
        assertEquals("Invalid namespace name: control character U+0085 at index 3", Names.checkNamespace("\u00A0\u00A0x\u0085"));
    }

    @Test
    void unpairedSurrogates_areNamedWithTheirIndex() {
        assertEquals("Invalid key: unpaired surrogate at index 0", Names.checkKey("\uD83D"));
        assertEquals("Invalid key: unpaired surrogate at index 1", Names.checkKey("x\uDE00y"));
        assertEquals("Invalid key: unpaired surrogate at index 0", Names.checkKey("\uDE00\uD83D"));
        assertEquals("Invalid key: unpaired surrogate at index 2", Names.checkKey("ab\uD83Dc"));
        assertEquals("Invalid key: unpaired surrogate at index 3", Names.checkKey("\uD83D\uDE00\u00A0\uD83D"));
        // a pair counts as one visible character
        assertNull(Names.checkKey(" \uD83D\uDE00 "));
    }
}
