package io.sharedmemory.shell.internal;

import io.sharedmemory.json.Json;
import io.sharedmemory.json.JsonException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

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

    /** Deeper than this, a value is handed to the memory as it is, which refuses it (its limit is 64 levels). */
    private static final int MAX_DEPTH = 64;

    /** Gogo turns {@code [a, b]} and {@code [k=v]} on the command line into lists and maps: bring them to JSON. */
    static Object fromGogo(Object arg) {
        return fromGogo(arg, Function.identity());
    }

    /**
     * @param typed how to read each word (see {@link Terminal#typed})
     * @return the value; a part that contains itself, or lies deeper than the memory accepts, is left as Gogo built it,
     *         so that the memory refuses the write as invalid (and records it) instead of the shell failing on it
     */
    static Object fromGogo(Object arg, Function<String, String> typed) {
        return fromGogo(arg, typed, Collections.newSetFromMap(new IdentityHashMap<>()), 0);
    }

    private static Object fromGogo(Object arg, Function<String, String> typed, Set<Object> path, int depth) {
        if (arg instanceof CharSequence s) {
            return parse(typed.apply(s.toString()));
        }
        if (arg instanceof Double d) {
            // Gogo reads a number inside [ ] itself; as a double it may have lost digits we can no longer see
            throw new IllegalArgumentException("Gogo read a number of this list or map as the double " + d
                    + ", which may not be what was typed; write the value as JSON in quotes instead ('[1.5]')");
        }
        if (!(arg instanceof Map || arg instanceof List)) {
            return arg;
        }
        if (depth > MAX_DEPTH || !path.add(arg)) {
            return arg;
        }
        try {
            if (arg instanceof Map<?, ?> m) {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    map.put(typed.apply(String.valueOf(e.getKey())), fromGogo(e.getValue(), typed, path, depth + 1));
                }
                return Collections.unmodifiableMap(map);
            }
            List<Object> list = new ArrayList<>();
            for (Object v : (List<?>) arg) {
                list.add(fromGogo(v, typed, path, depth + 1));
            }
            return Collections.unmodifiableList(list);
        } finally {
            path.remove(arg);
        }
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
