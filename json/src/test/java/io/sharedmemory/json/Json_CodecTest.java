package io.sharedmemory.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Json_CodecTest {
    @Test
    void readsEveryKindOfValue_inDocumentOrder() {
        Object v = Json.parse("{\"b\":1,\"a\":[true,false,null,\"x\"],\"c\":{\"d\":-2.5}}");
        assertEquals(List.of("b", "a", "c"), new ArrayList<>(((Map<?, ?>) v).keySet()));
        assertEquals(1, ((Map<?, ?>) v).get("b"));
        assertEquals(Arrays.asList(true, false, null, "x"), ((Map<?, ?>) v).get("a"));
        assertEquals(Map.of("d", -2.5), ((Map<?, ?>) v).get("c"));
        assertNull(Json.parse(" null "));
        assertEquals("käse 名前 \uD83D\uDE00", Json.parse("\"käse 名前 \\uD83D\\uDE00\""));
    }

    @Test
    void numbersKeepTheirExactValue() {
        assertEquals(Integer.valueOf(7), Json.parse("7"));
        assertEquals(Long.valueOf(12345678901L), Json.parse("12345678901"));
        assertEquals(new BigInteger("123456789012345678901234567890"), Json.parse("123456789012345678901234567890"));
        assertEquals(1.5, Json.parse("1.5"));
        assertEquals(1e300, Json.parse("1e300"));
        assertEquals(new BigDecimal("0.10000000000000000001"), Json.parse("0.10000000000000000001"));
        assertEquals(new BigDecimal("1e400"), Json.parse("1e400"));
        assertInstanceOf(Double.class, Json.parse("0.1"));
    }

    @Test
    void refusesWhatIsNotOneJsonValue_sayingWhere() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\"a\":1,\n\"a\":2}"));
        assertTrue(e.getMessage().contains("Duplicate") && e.getMessage().contains("line 2"), e.getMessage());
        assertThrows(JsonException.class, () -> Json.parse("{\"a\":1} {}"));
        assertThrows(JsonException.class, () -> Json.parse(""));
        assertThrows(JsonException.class, () -> Json.parse("{'a':1}"));
        assertThrows(JsonException.class, () -> Json.parse("[1,]"));
        assertThrows(JsonException.class, () -> Json.parse("NaN"));
        assertThrows(JsonException.class, () -> Json.parse((String) null));
        assertThrows(JsonException.class, () -> Json.parse("[".repeat(Json.MAX_NESTING + 1)
                + "]".repeat(Json.MAX_NESTING + 1)));
        assertThrows(JsonException.class, () -> Json.parse("1" + "0".repeat(Json.MAX_NUMBER_CHARS + 1)));
        JsonException notObject = assertThrows(JsonException.class, () -> Json.parseObject("[1]"));
        assertTrue(notObject.getMessage().contains("object"), notObject.getMessage());
    }

    @Test
    void writesCompactAndPretty_andRoundTrips() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n");
        m.put("n", Arrays.asList(1, 2L, (short) 3, (byte) 4, 1.5, 2.5f, new BigInteger("99999999999999999999"),
                new BigDecimal("1E+3")));
        m.put("z", null);
        m.put("u", "名前");
        String text = Json.write(m);
        assertEquals("{\"s\":\"a\\\"b\\\\c\\n\",\"n\":[1,2,3,4,1.5,2.5,99999999999999999999,1000],\"z\":null,"
                + "\"u\":\"名前\"}", text);
        assertEquals(text, Json.write(Json.parse(text)));
        assertEquals(Json.parse(text), Json.parse(Json.pretty(m)));
        assertTrue(Json.pretty(m).contains("\n  \"s\""));
        assertEquals("\"x\"", Json.quote("x"));
    }

    @Test
    void refusesToWriteWhatIsNotJsonLike() {
        assertThrows(JsonException.class, () -> Json.write(Double.NaN));
        assertThrows(JsonException.class, () -> Json.write(Map.of(1, "x")));
        assertThrows(JsonException.class, () -> Json.write(new Object()));
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThrows(JsonException.class, () -> Json.write(cycle));
    }

    @Test
    void readsAndWritesStreams() {
        Map<String, Object> m = Map.of("k", "värde");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Json.write(m, out);
        assertEquals("{\"k\":\"värde\"}", out.toString(StandardCharsets.UTF_8));
        assertEquals(m, Json.parse(new ByteArrayInputStream(out.toByteArray())));
        assertEquals(m, Json.parse(out.toByteArray()));
        assertEquals(m, Json.parse(new StringReader("{\"k\":\"värde\"}")));
    }
}
