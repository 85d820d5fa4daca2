package io.sharedmemory.remote.http.internal;

import io.sharedmemory.json.Json;
import io.sharedmemory.json.JsonException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reading a request: its path segments, its JSON body within the size limit, typed members and query parameters. Every
 * malformed input becomes a 4xx {@link ApiException} saying what is wrong, before anything is done.
 */
final class Requests {
    private Requests() {
    }

    /**
     * @return the path below the servlet's mapping, split at {@code /}, each segment percent-decoded as UTF-8 (so a
     *         {@code %2F} is a slash inside a segment)
     */
    static List<String> segments(HttpServletRequest req) {
        String raw = req.getRequestURI();
        String prefix = req.getContextPath() + req.getServletPath();
        String rest = raw.startsWith(prefix) ? raw.substring(prefix.length()) : req.getPathInfo();
        if (rest == null || rest.isEmpty() || rest.equals("/")) {
            return List.of();
        }
        if (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        List<String> out = new ArrayList<>();
        for (String s : rest.split("/", -1)) {
            out.add(decode(s));
        }
        return out;
    }

    private static String decode(String segment) {
        if (segment.indexOf('%') < 0 && segment.indexOf('+') < 0) {
            return segment;
        }
        try {
            // '+' is a plus in a path; URLDecoder would make it a space
            String s = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(java.nio.CharBuffer.wrap(s));
            return s;
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw ApiException.badRequest("the path segment \"" + segment + "\" is not valid percent-encoded UTF-8");
        }
    }

    /**
     * @return the body as one JSON object
     * @throws ApiException 415 when it is not declared JSON, 413 when longer than {@code maxBytes}, 400 when not one
     *         JSON object
     */
    static Map<String, Object> jsonObject(HttpServletRequest req, int maxBytes) throws IOException {
        String type = req.getContentType();
        if (type == null || !isJson(type)) {
            throw new ApiException(415, "unsupported_media_type",
                    "the body must be JSON: send Content-Type: application/json" + (type == null ? ""
                            : " (not " + type + ")"));
        }
        long declared = req.getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        byte[] body = read(req.getInputStream(), maxBytes);
        if (body.length == 0) {
            throw ApiException.badRequest("the body is empty: a JSON object is expected");
        }
        Object parsed;
        try {
            parsed = Json.parse(body);
        } catch (JsonException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (!(parsed instanceof Map)) {
            throw ApiException.badRequest("the body must be a JSON object, not " + describe(parsed));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) parsed;
        return m;
    }

    private static boolean isJson(String contentType) {
        String t = contentType.toLowerCase(java.util.Locale.ROOT);
        int semi = t.indexOf(';');
        String mime = (semi < 0 ? t : t.substring(0, semi)).strip();
        return mime.equals("application/json") || mime.startsWith("application/") && mime.endsWith("+json");
    }

    static ApiException tooLarge(int maxBytes) {
        return new ApiException(413, "payload_too_large", "the body is larger than the limit of " + maxBytes
                + " bytes");
    }

    private static byte[] read(InputStream in, int maxBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            total += n;
            if (total > maxBytes) {
                throw tooLarge(maxBytes);
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** Refuses members other than the ones named. */
    static void only(Map<String, Object> body, String where, Set<String> allowed) {
        for (String k : body.keySet()) {
            if (!allowed.contains(k)) {
                throw ApiException.badRequest("unknown field \"" + k + "\" in " + where + ": expected "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    static String string(Map<String, Object> body, String name, boolean required) {
        Object v = body.get(name);
        if (v == null) {
            if (required) {
                throw ApiException.badRequest("\"" + name + "\" is required (a string)");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw ApiException.badRequest("\"" + name + "\" must be a string, not " + describe(v));
        }
        return s;
    }

    /** @return the member as a long, or {@code absent} when missing or null */
    static long integer(Map<String, Object> body, String name, long absent, long min, long max) {
        Object v = body.get(name);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Integer || v instanceof Long || v instanceof BigInteger)) {
            throw ApiException.badRequest("\"" + name + "\" must be a whole number, not " + describe(v));
        }
        BigInteger b = v instanceof BigInteger bi ? bi : BigInteger.valueOf(((Number) v).longValue());
        if (b.compareTo(BigInteger.valueOf(min)) < 0 || b.compareTo(BigInteger.valueOf(max)) > 0) {
            throw ApiException.badRequest("\"" + name + "\" must be between " + min + " and " + max + ", was " + b);
        }
        return b.longValue();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> body, String name) {
        Object v = body.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map)) {
            throw ApiException.badRequest("\"" + name + "\" must be a JSON object, not " + describe(v));
        }
        return (Map<String, Object>) v;
    }

    /** @return a query parameter given at most once, or null */
    static String param(HttpServletRequest req, String name) {
        String[] values = req.getParameterValues(name);
        if (values == null || values.length == 0) {
            return null;
        }
        if (values.length > 1) {
            throw ApiException.badRequest("the query parameter \"" + name + "\" is given more than once");
        }
        return values[0];
    }

    static int intParam(HttpServletRequest req, String name, int absent, int min, int max) {
        String v = param(req, name);
        if (v == null || v.isEmpty()) {
            return absent;
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n < min || n > max) {
                throw ApiException.badRequest("the query parameter \"" + name + "\" must be between " + min + " and "
                        + max + ", was " + v);
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("the query parameter \"" + name + "\" must be a whole number, was \"" + v
                    + "\"");
        }
    }

    /** Refuses query parameters other than the ones named. */
    static void onlyParams(HttpServletRequest req, Set<String> allowed) {
        for (String p : req.getParameterMap().keySet()) {
            if (!allowed.contains(p)) {
                throw ApiException.badRequest("unknown query parameter \"" + p + "\""
                        + (allowed.isEmpty() ? ": this route takes none" : ": expected "
                        + String.join(", ", new java.util.TreeSet<>(allowed))));
            }
        }
    }

    static String describe(Object v) {
        return v == null ? "null" : v instanceof Map ? "an object" : v instanceof List ? "an array"
                : v instanceof String ? "a string" : v instanceof Boolean ? "a boolean"
                : v instanceof Number ? "a number" : v.getClass().getSimpleName();
    }
}
