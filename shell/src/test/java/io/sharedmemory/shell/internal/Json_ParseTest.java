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

class Json_ParseTest {
    @Test
    void parsesEveryJsonKindIntoTheValuesTheMemoryAccepts() {
        Object v = Json.parse(" {\"s\":\"a\\\"b\\u00e9\",\"n\":-12,\"d\":1.5,\"e\":1e3,\"t\":true,\"f\":false,"
                + "\"l\":[1,null,{}],\"big\":123456789012345678901234567890} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals("a\"bé", m.get("s"));
        assertEquals(-12L, m.get("n"));
        assertEquals(1.5, m.get("d"));
        assertEquals(1000.0, m.get("e"));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertEquals(Arrays.asList(1L, null, Map.of()), m.get("l"));
        assertEquals(new BigInteger("123456789012345678901234567890"), m.get("big"));
        assertEquals(new BigDecimal("0.1000000000000000000001"), Json.parse("0.1000000000000000000001"));
    }

    @Test
    void mistakesAreReportedWithTheirPosition() {
        var e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1,}"));
        assertEquals("Not valid JSON at character 8: a quoted key expected", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Json.parse("[1 2]"));
        assertTrue(e.getMessage().contains("',' or ']' expected"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("01"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"open"));
    }

    @Test
    void aBareWordIsAStringButBrokenJsonIsAnError() {
        assertEquals("hello", Json.parseLenient("hello"));
        assertEquals("-rf", Json.parseLenient("-rf"));
        assertEquals(42L, Json.parseLenient("42"));
        assertThrows(IllegalArgumentException.class, () -> Json.parseLenient("{\"a\":"));
    }

    @Test
    void gogoListsAndMapsBecomeJson() {
        assertEquals(List.of(1L, "x"), Json.fromGogo(List.of("1", "x")));
        assertEquals(Map.of("k", true), Json.fromGogo(Map.of("k", "true")));
    }

    @Test
    void formatsCompactJson() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("a", Arrays.asList(1, "x\n", null));
        m.put("b", true);
        assertEquals("{\"a\":[1,\"x\\n\",null],\"b\":true}", Json.format(m));
    }
}
