package io.sharedmemory.shell.internal;

import io.sharedmemory.json.Json;
import io.sharedmemory.json.JsonException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value as an operator types it on the command line, read with the project's JSON codec: JSON when it looks like
 * JSON, else the text itself as a string, so {@code sm:write tasks t1 hello} stores "hello" while {@code '{"a":1}'}
 * stores a map and {@code 123456789012345678901234567890} the exact integer.
 */
final class TypedValue {
    private TypedValue() {
    }

    /**
     * @param text what was typed
     * @return the JSON value it holds, or the text itself when it is a bare word
     * @throws IllegalArgumentException when it starts like a JSON object, array or string but is not valid JSON
     */
    static Object parse(String text) {
        String t = text.strip();
        boolean looksLikeJson = t.startsWith("{") || t.startsWith("[") || t.startsWith("\"")
                || t.equals("true") || t.equals("false") || t.equals("null")
                || (!t.isEmpty() && (Character.isDigit(t.charAt(0)) || t.charAt(0) == '-'));
        if (!looksLikeJson) {
            return text;
        }
        try {
            return Json.parse(t);
        } catch (JsonException e) {
            if (t.startsWith("{") || t.startsWith("[") || t.startsWith("\"")) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            return text; // -rf, 1d, 007: words that only start like a number
        }
    }

    /** Gogo turns {@code [a, b]} and {@code [k=v]} on the command line into lists and maps: bring them to JSON. */
    static Object fromGogo(Object arg) {
        if (arg instanceof String s) {
            return parse(s);
        }
        if (arg instanceof Map<?, ?> m) {
            Map<String, Object> map = new LinkedHashMap<>();
            m.forEach((k, v) -> map.put(String.valueOf(k), fromGogo(v)));
            return Collections.unmodifiableMap(map);
        }
        if (arg instanceof List<?> l) {
            List<Object> list = new ArrayList<>();
            l.forEach(v -> list.add(fromGogo(v)));
            return Collections.unmodifiableList(list);
        }
        return arg;
    }

    /** @return a stored value as compact JSON; anything that is not JSON-like as a JSON string of its text */
    static String format(Object value) {
        try {
            return Json.write(value);
        } catch (JsonException e) {
            return Json.quote(String.valueOf(value));
        }
    }
}
