package io.sharedmemory.remote.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /v1/namespaces/{ns}/changes} on the running distribution: events in commit order with consecutive ids,
 * resume with {@code Last-Event-ID} without gap or duplicate, an explicit {@code gap} event when the events were not
 * retained (the server keeps {@value RunningDistribution#FEED_EVENTS} per feed here) or the id is unknown or another
 * agent's, heartbeats, an {@code end} event when the namespace goes, and a client that stops reading neither blocks
 * writers nor other streams.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class ChangeStream_E2ETest {
    private static String base;
    private static Http http;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void start() throws Exception {
        base = RunningDistribution.get().base;
        http = new Http(base);
        alice = http.token("alice", RunningDistribution.ALICE_SECRET);
        bob = http.token("bob", RunningDistribution.BOB_SECRET);
    }

    private static void namespace(String name, String defaultPermission) throws Exception {
        assertEquals(201, http.send("POST", "/v1/namespaces", alice, Map.of("name", name, "config",
                Map.of("defaultPermission", defaultPermission))).status());
    }

    private static void put(String ns, String key, Object value) throws Exception {
        int s = http.send("PUT", "/v1/namespaces/" + ns + "/entries/" + key, alice, Map.of("value", value)).status();
        assertTrue(s == 200 || s == 201, "write " + key + ": " + s);
    }

    private static long seq(String id) {
        return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
    }

    private static String feed(String id) {
        return id.substring(0, id.lastIndexOf('-'));
    }

    @Test
    void eventsComeInCommitOrder_withConsecutiveIds_broadcastsAndDeletesIncluded() throws Exception {
        namespace("sse-order", "read");
        try (SseClient s = SseClient.open(base, "/v1/namespaces/sse-order/changes", bob, null)) {
            assertEquals(200, s.status);
            SseClient.Event ready = s.next();
            assertEquals("ready", ready.event());
            assertEquals("bob", ready.json().get("agentId"));
            long last = seq(ready.id());
            for (int i = 0; i < 10; i++) {
                put("sse-order", "k" + i, i);
            }
            assertEquals(200, http.send("POST", "/v1/namespaces/sse-order/broadcasts", alice,
                    Map.of("message", "done")).status());
            assertEquals(200, http.send("DELETE", "/v1/namespaces/sse-order/entries/k0", alice, null).status());
            for (int i = 0; i < 12; i++) {
                SseClient.Event e = s.next();
                assertEquals("message", e.event(), e.toString());
                assertEquals(feed(ready.id()), feed(e.id()));
                assertEquals(last + 1, seq(e.id()), "consecutive ids");
                last = seq(e.id());
                Map<String, Object> change = e.json();
                assertEquals("sse-order", change.get("namespace"));
                assertEquals("alice", change.get("agentId"));
                if (i < 10) {
                    assertEquals(Map.of("key", "k" + i, "value", i, "action", "WRITE", "version", 1),
                            Map.of("key", change.get("key"), "value", change.get("value"), "action",
                                    change.get("action"), "version", change.get("version")));
                } else if (i == 10) {
                    assertEquals("BROADCAST", change.get("action"));
                    assertEquals("done", change.get("value"));
                } else {
                    assertEquals("DELETE", change.get("action"));
                    assertEquals("k0", change.get("key"));
                }
            }
        }
    }

    @Test
    void aReconnectWithLastEventIdResumesWithoutGapOrDuplicate() throws Exception {
        namespace("sse-resume", "read");
        String third;
        try (SseClient a = SseClient.open(base, "/v1/namespaces/sse-resume/changes", alice, null)) {
            a.next();
            for (int v = 1; v <= 5; v++) {
                put("sse-resume", "k", v);
            }
            a.next();
            a.next();
            SseClient.Event e3 = a.next();
            assertEquals(3, e3.json().get("value"));
            third = e3.id();
        }
        for (int v = 6; v <= 10; v++) {
            put("sse-resume", "k", v);
        }
        try (SseClient b = SseClient.open(base, "/v1/namespaces/sse-resume/changes", alice, third)) {
            SseClient.Event ready = b.next();
            assertEquals("ready", ready.event());
            assertEquals(true, ready.json().get("resumed"));
            put("sse-resume", "marker", "end");
            List<Object> values = new ArrayList<>();
            for (SseClient.Event e = b.next(); ; e = b.next()) {
                assertEquals("message", e.event(), "no gap: " + e);
                if ("marker".equals(e.json().get("key"))) {
                    break;
                }
                values.add(e.json().get("value"));
            }
            assertEquals(List.of(4, 5, 6, 7, 8, 9, 10), values);
        }
    }

    @Test
    void eventsNoLongerRetainedAreAnnouncedAsAGapWithTheirNumber() throws Exception {
        namespace("sse-gap", "read");
        try (SseClient keepsTheFeed = SseClient.open(base, "/v1/namespaces/sse-gap/changes", alice, null)) {
            String from = keepsTheFeed.next().id();
            int n = RunningDistribution.FEED_EVENTS + 10;
            for (int v = 1; v <= n; v++) {
                put("sse-gap", "k", v);
            }
            keepsTheFeed.next(e -> Integer.valueOf(n).equals(e.json().get("value")));
            try (SseClient late = SseClient.open(base, "/v1/namespaces/sse-gap/changes", alice, from)) {
                assertEquals("ready", late.next().event());
                SseClient.Event gap = late.next();
                assertEquals("gap", gap.event(), gap.toString());
                assertEquals(10, gap.json().get("missed"));
                assertTrue(((String) gap.json().get("reason")).contains("missed"));
                for (int v = 11; v <= n; v++) {
                    assertEquals(v, late.next().json().get("value"));
                }
            }
        }
    }

    @Test
    void anUnknownIdOrAnotherAgentsIdIsAGapOfUnknownSize_neverTheirEvents() throws Exception {
        namespace("sse-unknown", "read");
        String alicesId;
        try (SseClient a = SseClient.open(base, "/v1/namespaces/sse-unknown/changes", alice, null)) {
            a.next();
            put("sse-unknown", "k", 1);
            alicesId = a.next().id();
        }
        for (String id : List.of("nosuchfeed-3", alicesId)) {
            try (SseClient b = SseClient.open(base, "/v1/namespaces/sse-unknown/changes", bob, id)) {
                SseClient.Event ready = b.next();
                assertEquals("ready", ready.event());
                assertEquals(false, ready.json().get("resumed"));
                SseClient.Event gap = b.next();
                assertEquals("gap", gap.event());
                assertNull(gap.json().get("missed"), "unknown");
                put("sse-unknown", "k", 2);
                SseClient.Event next = b.next();
                assertEquals(2, next.json().get("value"), "only what came after, as bob");
                assertTrue(!feed(next.id()).equals(feed(alicesId)), "bob's feed is not alice's");
            }
        }
    }

    @Test
    void idleStreamsGetHeartbeats_andAStreamEndsWhenItsNamespaceGoes() throws Exception {
        namespace("sse-end", "read");
        try (SseClient s = SseClient.open(base, "/v1/namespaces/sse-end/changes", bob, null)) {
            s.next();
            assertEquals("keep-alive", s.next(e -> e.event().equals("comment")).data());
            assertEquals(200, http.send("DELETE", "/v1/namespaces/sse-end", alice, null).status());
            SseClient.Event end = s.next();
            assertEquals("end", end.event(), end.toString());
            assertTrue(((String) end.json().get("reason")).contains("namespace was deleted"));
            assertEquals("(closed)", s.next().event());
        }
    }

    @Test
    void aStreamIsRefusedLikeASubscription() throws Exception {
        namespace("sse-private", "none");
        assertEquals(403, http.get("/v1/namespaces/sse-private/changes", bob).status());
        assertEquals(404, http.get("/v1/namespaces/sse-missing/changes", bob).status());
        assertEquals(401, http.get("/v1/namespaces/sse-private/changes", null).status());
    }

    @Test
    void aClientThatStopsReading_blocksNoWriter_andNoOtherStream_andIsToldWhatItMissed() throws Exception {
        namespace("sse-stall", "read");
        try (Socket stalled = new Socket(); SseClient healthy = SseClient.open(base,
                "/v1/namespaces/sse-stall/changes", bob, null)) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", RunningDistribution.get().port));
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /v1/namespaces/sse-stall/changes HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream"
                    + "\r\nAuthorization: Bearer " + bob + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            healthy.next();

            int n = 1500;
            String padding = "x".repeat(4096);
            // every write returns while one stream stalls, and the other stream, which keeps up (the server keeps
            // only 20 events here), gets each in turn
            for (int v = 1; v <= n; v++) {
                put("sse-stall", "k", Map.of("v", v, "pad", padding));
                SseClient.Event e = healthy.next();
                assertEquals("message", e.event(), "the healthy stream misses nothing");
                assertEquals(v, ((Map<?, ?>) e.json().get("value")).get("v"));
            }

            // now the stalled client reads: it was told it missed events, then it catches up to the last one
            stalled.setSoTimeout(30_000);
            String body = readChunkedUntil(stalled, java.util.regex.Pattern.compile("\"v\":" + n + "[,}]"));
            boolean gap = body.contains("\nevent: gap\n");
            assertTrue(gap, "the stalled stream was told of the events it missed");
        }
    }

    /** Reads a chunked HTTP/1.1 response body from the socket until it contains {@code marker}; 60 s at most. */
    private static String readChunkedUntil(Socket socket, java.util.regex.Pattern marker) throws java.io.IOException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                socket.getInputStream()));
        String headers = line(in);
        while (!headers.isEmpty()) {
            headers = line(in);
        }
        StringBuilder body = new StringBuilder();
        while (!marker.matcher(body).find()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + marker + " within 60 s in: " + body.substring(Math.max(0,
                        body.length() - 2000)));
            }
            int size = Integer.parseInt(line(in).strip(), 16);
            byte[] chunk = new byte[size];
            in.readFully(chunk);
            line(in);
            body.append(new String(chunk, StandardCharsets.UTF_8));
        }
        return body.toString();
    }

    private static String line(java.io.DataInputStream in) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("the stream ended");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
