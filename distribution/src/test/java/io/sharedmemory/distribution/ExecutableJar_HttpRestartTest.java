package io.sharedmemory.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The HTTP service restarts under the running platform — here because an operator gives it another port in
 * {@code conf/org.apache.felix.http.cfg} — and the API, its change streams and the MCP server go on serving on the new
 * port: each restart gets new servlets (a destroyed one's streams and MCP server are closed for good). Before the
 * servlets were registered with prototype scope, a stream opened after such a restart hung without an answer.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ExecutableJar_HttpRestartTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aNewPortInConf_restartsTheHttpService_andStreamsAndMcpWorkOnIt() throws Exception {
        int first = RunningDistribution.freePort();
        int second = RunningDistribution.freePort();
        String secret = "s3cret-" + Long.toHexString(new SecureRandom().nextLong());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try (RunningDistribution d = RunningDistribution.prepare("http-restart")) {
            Files.writeString(d.conf.resolve("io.sharedmemory.authenticator.cfg"), "agents=worker-1="
                    + RunningDistribution.secretHash(secret) + "\nsigningKey=" + Base64.getEncoder().encodeToString(key)
                    + "\n");
            Files.writeString(d.conf.resolve("org.apache.felix.http.cfg"), "org.osgi.service.http.port=" + first
                    + "\n");
            d.start().awaitPrompt(1, 60);
            awaitApi(d, first);
            String token = token(first, secret);
            assertEquals(201, post(first, "/v1/namespaces", token,
                    "{\"name\":\"restart\",\"config\":{\"defaultPermission\":\"write\"}}").statusCode());
            streamSeesAWrite(first, token, "before");
            mcpInitializes(first, token);

            Files.writeString(d.conf.resolve("org.apache.felix.http.cfg"), "org.osgi.service.http.port=" + second
                    + "\n");
            awaitApi(d, second);
            streamSeesAWrite(second, token, "after");
            mcpInitializes(second, token);

            d.type("stop 0");
            d.waitFor(30);
        }
    }


    /** Waits until the API answers on the port (401 without a token). */
    private static void awaitApi(RunningDistribution d, int port) throws Exception {
        HttpRequest whoami = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/whoami"))
                .timeout(Duration.ofSeconds(10)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (;;) {
            assertTrue(d.process().isAlive(), () -> "exited: " + d.output());
            assertTrue(System.nanoTime() < deadline, () -> "the API does not answer on " + port + ": " + d.output());
            try {
                if (CLIENT.send(whoami, HttpResponse.BodyHandlers.discarding()).statusCode() == 401) {
                    return;
                }
            } catch (ConnectException notYetOpen) {
                // the port is not open yet
            }
            Thread.sleep(50); // another process's port: nothing to wait on but the port itself
        }
    }

    private static HttpResponse<String> post(int port, String path, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(int port, String secret) throws Exception {
        HttpResponse<String> r = post(port, "/v1/sessions", null,
                "{\"agentId\":\"worker-1\",\"secret\":\"" + secret + "\"}");
        assertEquals(201, r.statusCode(), r.body());
        Matcher m = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(r.body());
        assertTrue(m.find(), r.body());
        return m.group(1);
    }

    /** Opens the namespace's change stream, waits for its ready event, writes the key, and waits for its change. */
    private static void streamSeesAWrite(int port, String token, String key) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /v1/namespaces/restart/changes HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nAuthorization: Bearer " + token + "\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("HTTP/1.1 200 OK", awaitLine(in, port, line -> true));
            awaitLine(in, port, "event: ready"::equals);
            HttpRequest put = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/v1/namespaces/restart/entries/" + key))
                    .timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":1}")).build();
            HttpResponse<String> written = CLIENT.send(put, HttpResponse.BodyHandlers.ofString());
            assertEquals(201, written.statusCode(), written.body()); // a new key
            awaitLine(in, port, line -> line.startsWith("data: ") && line.contains("\"key\":\"" + key + "\""));
        }
    }

    private static String awaitLine(BufferedReader in, int port, Predicate<String> wanted) throws IOException {
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            throw new AssertionError("the stream on port " + port + " ended");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the stream on port " + port + " sent nothing expected for 20 s", e);
        }
    }

    private static void mcpInitializes(int port, String token) throws Exception {
        HttpResponse<String> r = post(port, "/mcp", token, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"restart-test\",\"version\":\"1\"}}}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"serverInfo\""), r.body());
    }
}
