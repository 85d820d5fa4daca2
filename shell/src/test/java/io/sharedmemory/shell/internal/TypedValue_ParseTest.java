package io.sharedmemory.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an operator types as a value, read with the project's one JSON codec. */
class TypedValue_ParseTest {
    @Test
    void parsesEveryJsonKindIntoTheValuesTheMemoryAccepts() {
        Object v = TypedValue.parse(" {\"s\":\"a\\\"b\\u00e9\",\"n\":-12,\"d\":1.5,\"e\":1e3,\"t\":true,\"f\":false,"
                + "\"l\":[1,null,{}],\"big\":123456789012345678901234567890} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals("a\"bé", m.get("s"));
        assertEquals(-12, m.get("n"));
        assertEquals(1.5, m.get("d"));
        assertEquals(1000.0, m.get("e"));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertEquals(Arrays.asList(1, null, Map.of()), m.get("l"));
        assertEquals(new BigInteger("123456789012345678901234567890"), m.get("big"));
        assertEquals(new BigDecimal("0.1000000000000000000001"), TypedValue.parse("0.1000000000000000000001"));
        assertEquals(new BigInteger("123456789012345678901234567890"),
                TypedValue.parse("123456789012345678901234567890"), "exact, not a double");
    }

    @Test
    void mistakesAreReportedWithTheirPosition() {
        var e = assertThrows(IllegalArgumentException.class, () -> TypedValue.parse("{\"a\":1,}"));
        assertTrue(e.getMessage().startsWith("Not valid JSON: ") && e.getMessage().contains("column 8"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TypedValue.parse("[1 2]"));
        assertTrue(e.getMessage().contains("column 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TypedValue.parse("{\"a\":1,\"a\":2}"));
        assertTrue(e.getMessage().contains("Duplicate"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TypedValue.parse("\"open"));
    }

    @Test
    void aBareWordIsAStringButBrokenJsonIsAnError() {
        assertEquals("hello", TypedValue.parse("hello"));
        assertEquals("-rf", TypedValue.parse("-rf"));
        assertEquals("007", TypedValue.parse("007"), "not JSON: the word as typed");
        assertEquals("1d", TypedValue.parse("1d"));
        assertEquals(42, TypedValue.parse("42"));
        assertThrows(IllegalArgumentException.class, () -> TypedValue.parse("{\"a\":"));
    }

    @Test
    void gogoListsAndMapsBecomeJson() {
        assertEquals(List.of(1, "x"), TypedValue.fromGogo(List.of("1", "x")));
        assertEquals(Map.of("k", true), TypedValue.fromGogo(Map.of("k", "true")));
    }

    @Test
    void formatsCompactJson() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("a", Arrays.asList(1, "x\n", null));
        m.put("b", true);
        assertEquals("{\"a\":[1,\"x\\n\",null],\"b\":true}", TypedValue.format(m));
        Object notJson = new Object() {
            @Override
            public String toString() {
                return "a thread";
            }
        };
        assertEquals("\"a thread\"", TypedValue.format(notJson));
    }
}
