package io.sharedmemory.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON text to and from JSON-like Java values — the one codec of the project.
 *
 * <h2>Reading</h2>
 * {@link #parse} reads exactly one JSON value (anything after it but blanks is refused) into a fresh tree the caller
 * owns: objects become {@link LinkedHashMap}s in document order, arrays {@link ArrayList}s, strings {@code String}s,
 * {@code true}/{@code false} {@code Boolean}s, {@code null} null. Numbers keep their exact value: integers become
 * {@code Integer}, {@code Long} or {@code BigInteger} (the smallest that holds them); numbers with a fraction or an
 * exponent become {@code Double} when the double prints back as the same number, else {@code BigDecimal} — so
 * {@code 1.5} is a double and {@code 0.10000000000000000001} is not rounded. Refused, with a {@link JsonException}
 * naming the line and column: malformed text, a key that appears twice in one object, nesting deeper than
 * {@value #MAX_NESTING}, a number longer than {@value #MAX_NUMBER_CHARS} characters, a string longer than
 * {@link #MAX_STRING_CHARS} characters.
 *
 * <h2>Writing</h2>
 * {@link #write} writes maps with string keys (in their iteration order), lists and other collections, strings,
 * booleans, null, and numbers ({@code Integer}, {@code Long}, {@code Short}, {@code Byte}, {@code BigInteger},
 * {@code BigDecimal} in plain notation, finite {@code Double} and {@code Float}) as compact JSON; {@link #pretty} with
 * two-space indentation. Anything else (another type, a non-string key, NaN or infinity, nesting deeper than
 * {@value #MAX_NESTING}, which a cycle reaches) is refused with a {@link JsonException} that says what it met.
 * Non-ASCII characters are written as they are (UTF-8 when writing bytes), with three exceptions written as
 * <code>&#92;uXXXX</code> escapes, the same by every method: an unpaired surrogate (it has no UTF-8 form, so the text
 * survives being stored as UTF-8 and reads back unchanged), and U+2028 and U+2029 (line breaks to JavaScript and to
 * many log viewers, so one value stays one line).
 *
 * <p>Thread-safe: every method may be called from any number of threads.
 */
public final class Json {
    /** The deepest nesting of objects and arrays read or written. */
    public static final int MAX_NESTING = 256;
    /** The longest number read, in characters. */
    public static final int MAX_NUMBER_CHARS = 1000;
    /** The longest string read, in characters. */
    public static final int MAX_STRING_CHARS = 64 * 1024 * 1024;

    // Every method writes through Jackson's UTF-8 generator: it escapes a surrogate that is not half of a pair (the
    // generator for character output would copy it as it is, and encoding the text later would turn it into '?').
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .maxStringLength(MAX_STRING_CHARS)
                    .build())
            .build();

    private static final CharacterEscapes LINE_SEPARATORS = new CharacterEscapes() {
        private final int[] ascii = standardAsciiEscapesForJSON();
        private final SerializableString lineSeparator = new SerializedString("\\u2028");
        private final SerializableString paragraphSeparator = new SerializedString("\\u2029");

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch == '\u2028' ? lineSeparator : ch == '\u2029' ? paragraphSeparator : null;
        }
    };

    private Json() {
    }

    /**
     * @param text one JSON value
     * @return the value as a fresh tree (see the class comment); null for the text {@code null}
     * @throws JsonException when the text is not one JSON value within the limits
     */
    public static Object parse(String text) {
        if (text == null) {
            throw new JsonException("No JSON: the text is null");
        }
        try (JsonParser p = FACTORY.createParser(text)) {
            return parseWhole(p);
        } catch (IOException e) {
            throw refusal(e);
        }
    }

    /**
     * @param in one JSON value; read to its end, not closed
     * @return the value as a fresh tree
     * @throws JsonException when the text is not one JSON value within the limits
     * @throws UncheckedIOException when reading fails
     */
    public static Object parse(Reader in) {
        try (JsonParser p = FACTORY.createParser(in)) {
            return parseWhole(p);
        } catch (JsonParseException | StreamConstraintsException e) {
            throw refusal(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param in one JSON value in UTF-8 (or UTF-16/32 with a byte-order mark); read to its end, not closed
     * @return the value as a fresh tree
     * @throws JsonException when the text is not one JSON value within the limits
     * @throws UncheckedIOException when reading fails
     */
    public static Object parse(InputStream in) {
        try (JsonParser p = FACTORY.createParser(in)) {
            return parseWhole(p);
        } catch (JsonParseException | StreamConstraintsException e) {
            throw refusal(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param utf8 one JSON value in UTF-8
     * @return the value as a fresh tree
     * @throws JsonException when the text is not one JSON value within the limits
     */
    public static Object parse(byte[] utf8) {
        try (JsonParser p = FACTORY.createParser(utf8)) {
            return parseWhole(p);
        } catch (IOException e) {
            throw refusal(e);
        }
    }

    /**
     * @param text a JSON object
     * @return its members, in document order
     * @throws JsonException when the text is not one JSON object within the limits
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new JsonException("Expected a JSON object, found " + describe(v));
        }
        return (Map<String, Object>) v;
    }

    /**
     * @param value a JSON-like value
     * @return its compact JSON text
     * @throws JsonException when the value is not JSON-like (see the class comment)
     */
    public static String write(Object value) {
        return new String(utf8(value, false), StandardCharsets.UTF_8);
    }

    /**
     * @param value a JSON-like value
     * @return its JSON text indented by two spaces, one member or element per line
     * @throws JsonException when the value is not JSON-like
     */
    public static String pretty(Object value) {
        return new String(utf8(value, true), StandardCharsets.UTF_8);
    }

    /**
     * Writes compact JSON to a writer, which is flushed and left open.
     *
     * @param value a JSON-like value
     * @param out where to write
     * @throws JsonException when the value is not JSON-like; then nothing is written
     * @throws UncheckedIOException when the writer fails
     */
    public static void write(Object value, Writer out) {
        String text = write(value);
        try {
            out.write(text);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes compact JSON in UTF-8 to a stream, which is flushed and left open.
     *
     * @param value a JSON-like value
     * @param out where to write
     * @throws JsonException when the value is not JSON-like (write to a buffer first when a partial write matters)
     * @throws UncheckedIOException when the stream fails
     */
    public static void write(Object value, OutputStream out) {
        try (JsonGenerator g = generator(out, false)) {
            writeValue(g, value, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] utf8(Object value, boolean pretty) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = generator(out, pretty)) {
            writeValue(g, value, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    private static JsonGenerator generator(OutputStream out, boolean pretty) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        g.setCharacterEscapes(LINE_SEPARATORS);
        if (pretty) {
            g.useDefaultPrettyPrinter();
        }
        return g;
    }

    /**
     * @param s a string; not null
     * @return it as a JSON string literal, quotes included
     */
    public static String quote(String s) {
        return write(java.util.Objects.requireNonNull(s, "s"));
    }

    private static Object parseWhole(JsonParser p) throws IOException {
        JsonToken first = p.nextToken();
        if (first == null) {
            throw new JsonException("No JSON value: the text is empty");
        }
        Object value = read(p, first);
        JsonToken after = p.nextToken();
        if (after != null) {
            throw new JsonException("Unexpected " + describe(after) + " after the JSON value at "
                    + where(p) + ": one value only");
        }
        return value;
    }

    private static Object read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    m.put(name, read(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    l.add(read(p, e));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return p.getIntValue();
                    case LONG:
                        return p.getLongValue();
                    default:
                        return p.getBigIntegerValue();
                }
            case VALUE_NUMBER_FLOAT: {
                BigDecimal exact = p.getDecimalValue();
                double d = exact.doubleValue();
                return Double.isFinite(d) && new BigDecimal(Double.toString(d)).compareTo(exact) == 0 ? (Object) d
                        : exact;
            }
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new JsonException("Unexpected " + describe(t) + " at " + where(p));
        }
    }

    private static void writeValue(JsonGenerator g, Object v, int depth) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                throw new JsonException("Not JSON: the number " + d + " (JSON has no NaN or infinity)");
            }
            if (v instanceof Float f) {
                g.writeNumber(f);
            } else {
                g.writeNumber(d);
            }
        } else if (v instanceof BigInteger i) {
            g.writeNumber(i);
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (v instanceof Map<?, ?> m) {
            nest(depth);
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new JsonException("Not JSON: a map key that is not a string ("
                            + (e.getKey() == null ? "null" : e.getKey().getClass().getName()) + ")");
                }
                g.writeFieldName(key);
                writeValue(g, e.getValue(), depth + 1);
            }
            g.writeEndObject();
        } else if (v instanceof Collection<?> c) {
            nest(depth);
            g.writeStartArray();
            for (Object e : c) {
                writeValue(g, e, depth + 1);
            }
            g.writeEndArray();
        } else {
            throw new JsonException("Not JSON: a value of type " + v.getClass().getName());
        }
    }

    private static void nest(int depth) {
        if (depth >= MAX_NESTING) {
            throw new JsonException("Not JSON: nested deeper than " + MAX_NESTING + " levels (or cyclic)");
        }
    }

    private static JsonException refusal(IOException e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        // Jackson appends the source and location on separate lines; keep the first line and say where ourselves
        int nl = msg.indexOf('\n');
        String first = nl < 0 ? msg : msg.substring(0, nl);
        String at = "";
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null) {
            at = " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")";
        }
        return new JsonException("Not valid JSON: " + first + at, e);
    }

    private static String where(JsonParser p) {
        return "line " + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr();
    }

    private static String describe(Object v) {
        if (v instanceof JsonToken t) {
            return switch (t) {
                case START_OBJECT -> "object";
                case START_ARRAY -> "array";
                case VALUE_STRING -> "string";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
                case VALUE_TRUE, VALUE_FALSE -> "boolean";
                case VALUE_NULL -> "null";
                default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
            };
        }
        return v == null ? "null" : v instanceof List ? "an array" : v instanceof String ? "a string"
                : v instanceof Number ? "a number" : v instanceof Boolean ? "a boolean" : v.getClass().getSimpleName();
    }
}
