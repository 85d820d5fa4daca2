package io.sharedmemory.remote.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bad-input catalogue over HTTP: each malformed or out-of-limits request gets its documented 4xx status and a JSON
 * body {@code {"error","message"}} (for a write, the write result's {@code {"status","version","message"}}), and the
 * namespace — its entries, their versions and its configuration — is exactly as before.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class HttpBadInput_E2ETest {
    private static final String NS = "bad-input-ns";
    private static final String ENTRY = "/v1/namespaces/" + NS + "/entries/k";
    /**
     * A URI that Jetty's URI compliance (the container's default, kept) refuses before any servlet sees it: the answer
     * is the container's 400, whose body is not ours.
     */
    private static final String CONTAINER = "(the container)";
    private static Http http;
    private static String alice;

    record Case(String name, String method, String path, String contentType, byte[] body, int status,
                String error) {
    }

    @BeforeAll
    static void start() throws Exception {
        http = new Http(RunningDistribution.get().base);
        alice = http.token("alice", RunningDistribution.ALICE_SECRET);
        assertEquals(201, http.send("POST", "/v1/namespaces", alice, Map.of("name", NS, "config",
                Map.of("conflictStrategy", "latest-wins"))).status());
        assertEquals(201, http.send("PUT", ENTRY, alice, Map.of("value", Map.of("state", "original"))).status());
    }

    private static Case json(String name, String method, String path, String body, int status, String error) {
        return new Case(name, method, path, "application/json", body == null ? null
                : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), status, error);
    }

    private static List<Case> catalogue() {
        String deep = "[".repeat(300) + "]".repeat(300);
        String deepValue = "{\"value\":" + "[".repeat(100) + "1" + "]".repeat(100) + "}";
        String longKey = "k".repeat(1025);
        String longName = "n".repeat(257);
        List<Case> c = new ArrayList<>(List.of(
                json("malformed JSON", "PUT", ENTRY, "{\"value\":", 400, "bad_request"),
                json("trailing garbage", "PUT", ENTRY, "{\"value\":1} x", 400, "bad_request"),
                json("not an object", "PUT", ENTRY, "[1,2]", 400, "bad_request"),
                json("empty body", "PUT", ENTRY, "", 400, "bad_request"),
                json("unknown field", "PUT", ENTRY, "{\"value\":1,\"agentId\":\"bob\"}", 400, "bad_request"),
                json("missing value", "PUT", ENTRY, "{\"metadata\":{}}", 400, "bad_request"),
                json("duplicate field", "PUT", ENTRY, "{\"value\":1,\"value\":2}", 400, "bad_request"),
                json("expectedVersion of the wrong type", "PUT", ENTRY, "{\"value\":1,\"expectedVersion\":\"1\"}", 400,
                        "bad_request"),
                json("negative expectedVersion", "PUT", ENTRY, "{\"value\":1,\"expectedVersion\":-1}", 400,
                        "bad_request"),
                json("fractional expectedVersion", "PUT", ENTRY, "{\"value\":1,\"expectedVersion\":1.5}", 400,
                        "bad_request"),
                json("metadata not an object", "PUT", ENTRY, "{\"value\":1,\"metadata\":[1]}", 400, "bad_request"),
                json("JSON nested deeper than the codec reads", "PUT", ENTRY, deep, 400, "bad_request"),
                json("value nested deeper than the engine stores", "PUT", ENTRY, deepValue, 422, null),
                json("null value", "PUT", ENTRY, "{\"value\":null}", 422, null),
                json("key over 1024 characters", "PUT", "/v1/namespaces/" + NS + "/entries/" + longKey,
                        "{\"value\":1}", 422, null),
                json("read of a key over 1024 characters", "GET", "/v1/namespaces/" + NS + "/entries/" + longKey,
                        null, 422, "invalid"),
                json("namespace name over 256 characters", "GET", "/v1/namespaces/" + longName + "/entries/k", null,
                        422, "invalid"),
                json("control character in a key", "PUT", "/v1/namespaces/" + NS + "/entries/a%01b",
                        "{\"value\":1}", 400, CONTAINER),
                json("blank key", "PUT", "/v1/namespaces/" + NS + "/entries/%20%20", "{\"value\":1}", 422, null),
                json("percent-encoding that is not UTF-8", "GET", "/v1/namespaces/" + NS + "/entries/%C3%28", null,
                        400, CONTAINER),
                new Case("no content type", "PUT", ENTRY, null, "{\"value\":1}".getBytes(), 415,
                        "unsupported_media_type"),
                new Case("text/plain", "PUT", ENTRY, "text/plain", "{\"value\":1}".getBytes(), 415,
                        "unsupported_media_type"),
                new Case("invalid UTF-8 in the body", "PUT", ENTRY, "application/json",
                        new byte[] {'{', '"', 'v', 'a', 'l', 'u', 'e', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'},
                        400, "bad_request"),
                json("unknown query parameter", "GET", ENTRY + "?agentId=bob", null, 400, "bad_request"),
                json("limit not a number", "GET", "/v1/namespaces/" + NS + "/keys?limit=ten", null, 400,
                        "bad_request"),
                json("limit over the maximum", "GET", "/v1/namespaces/" + NS + "/keys?limit=100000", null, 400,
                        "bad_request"),
                json("a cursor no page gave", "GET", "/v1/namespaces/" + NS + "/keys?cursor=%21%21%21", null, 400,
                        "bad_request"),
                json("config with an unknown field", "POST", "/v1/namespaces",
                        "{\"name\":\"" + NS + "\",\"config\":{\"owner\":\"bob\"}}", 400, "bad_request"),
                json("config with negative maxEntries", "POST", "/v1/namespaces",
                        "{\"name\":\"" + NS + "\",\"config\":{\"maxEntries\":-1}}", 422, "invalid"),
                json("config with a ttl of the wrong type", "POST", "/v1/namespaces",
                        "{\"name\":\"" + NS + "\",\"config\":{\"ttlMillis\":\"1h\"}}", 400, "bad_request"),
                json("config with an unknown permission", "POST", "/v1/namespaces",
                        "{\"name\":\"" + NS + "\",\"config\":{\"defaultPermission\":\"root\"}}", 422, "invalid"),
                json("namespace without a name", "POST", "/v1/namespaces", "{\"config\":{}}", 400, "bad_request"),
                json("namespace name over 256 characters", "POST", "/v1/namespaces",
                        "{\"name\":\"" + longName + "\"}", 422, "invalid"),
                json("permission that is not a string", "PUT", "/v1/namespaces/" + NS + "/permissions",
                        "{\"bob\":3}", 400, "bad_request"),
                json("broadcast without a message", "POST", "/v1/namespaces/" + NS + "/broadcasts", "{}", 400,
                        "bad_request"),
                json("Last-Event-ID that is not an event id", "GET", "/v1/namespaces/" + NS
                        + "/changes?lastEventId=nonsense", null, 400, "bad_request")));
        return c;
    }

    private static String state() throws Exception {
        return http.get("/v1/namespaces/" + NS + "/entries?limit=1000", alice).body()
                + http.get(ENTRY, alice).body() + http.get("/v1/namespaces/" + NS, alice).body()
                + http.get("/v1/namespaces/" + NS + "/permissions", alice).body();
    }

    @Test
    void eachBadRequestGetsItsStatusAndAJsonError_andChangesNothing() throws Exception {
        String before = state();
        List<String> failures = new ArrayList<>();
        for (Case c : catalogue()) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(RunningDistribution.get().base + c.path()))
                    .header("Authorization", "Bearer " + alice)
                    .method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(c.body()));
            if (c.contentType() != null) {
                b.header("Content-Type", c.contentType());
            }
            HttpResponse<String> r = Http.client().send(b.build(), HttpResponse.BodyHandlers.ofString());
            String wrong = check(c, r);
            if (wrong != null) {
                failures.add(c.name() + ": " + wrong);
            }
            String after = state();
            if (!after.equals(before)) {
                failures.add(c.name() + ": the namespace changed: " + after);
                before = after;
            }
        }
        assertEquals(List.of(), failures);
    }

    /** @return what is wrong with the answer, or null */
    private static String check(Case c, HttpResponse<String> r) {
        if (CONTAINER.equals(c.error())) {
            return r.statusCode() == c.status() ? null
                    : r.statusCode() + " (expected the container's " + c.status() + ")";
        }
        Map<String, Object> body;
        try {
            body = io.sharedmemory.json.Json.parseObject(r.body());
        } catch (RuntimeException e) {
            return "not a JSON body: " + r.statusCode() + " " + r.body();
        }
        if (r.statusCode() != c.status()) {
            return r.statusCode() + " " + r.body() + " (expected " + c.status() + ")";
        }
        if (c.error() != null && !c.error().equals(body.get("error"))) {
            return "error " + body.get("error") + " (expected " + c.error() + ")";
        }
        if (c.error() == null && !"INVALID".equals(body.get("status"))) {
            return "a write refused as invalid reports status INVALID, got " + body;
        }
        return body.get("message") instanceof String m && !m.isBlank() ? null : "no message in " + body;
    }

    @Test
    void aBodyOverTheLimitIs413BeforeItIsRead_andChangesNothing() throws Exception {
        String before = state();
        byte[] big = new byte[io.sharedmemory.remote.http.RemoteSettings.DEFAULT_MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        Http.Response r = http.raw("PUT", ENTRY, new String(big, java.nio.charset.StandardCharsets.ISO_8859_1),
                List.of("Authorization", "Bearer " + alice), "application/json");
        assertEquals(413, r.status(), r.body());
        assertEquals("payload_too_large", r.json().get("error"));
        assertEquals(before, state());
    }
}
