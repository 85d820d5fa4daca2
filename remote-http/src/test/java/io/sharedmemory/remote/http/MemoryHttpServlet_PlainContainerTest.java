package io.sharedmemory.remote.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.json.Json;
import io.sharedmemory.permissions.ConfiguredAuthenticator;
import io.sharedmemory.permissions.SecretHashes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The servlet outside OSGi, as a plain-Java user mounts it: an embedded Jetty 12 (ee10), the engine and plugins on the
 * class path, an authenticated memory. A real HTTP client signs in, writes, reads, pages keys and follows the change
 * stream; the full route catalogue runs against the distribution (remote-tests).
 */
class MemoryHttpServlet_PlainContainerTest {
    private static final char[] SECRET = "s3cret-of-alice".toCharArray();
    private static SharedMemory memory;
    private static OperationCounters counters;
    private static Server server;
    private static String base;
    private static String figures;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        ConfiguredAuthenticator auth = ConfiguredAuthenticator.builder()
                .agent("alice", SecretHashes.hash(SECRET, 1000))
                .tokenOnlyAgent("bob")
                .signingKey(key)
                .build();
        counters = new OperationCounters(Duration.ofMillis(100), 50);
        memory = SharedMemory.create(SharedMemoryOptions.builder().identity(IdentityMode.AUTHENTICATED)
                .plugin(auth).plugin(counters).build());
        counters.start(memory);
        memory.createNamespace("tasks", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());

        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(new MemoryHttpServlet(memory, RemoteSettings.defaults()));
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/v1/*");
        // the same API with operation counters and a plugin catalog of the application's
        PluginCatalog catalog = () -> List.of(new PluginInfo(PluginInfo.Kind.STRATEGY, "latest-wins", 0, -1, null,
                null, -1, "the application's", true, java.util.Set.of()));
        ServletHolder withFigures = new ServletHolder(new MemoryHttpServlet(memory, RemoteSettings.defaults(),
                counters, catalog));
        withFigures.setAsyncSupported(true);
        context.addServlet(withFigures, "/figures/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/v1";
        figures = "http://127.0.0.1:" + connector.getLocalPort() + "/figures";
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        counters.close();
        memory.close();
    }

    private static HttpResponse<String> send(String method, String path, String token, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void signsInWritesReadsPagesAndStreamsChanges() throws Exception {
        HttpResponse<String> login = send("POST", "/sessions", null,
                Map.of("agentId", "alice", "secret", new String(SECRET)));
        assertEquals(201, login.statusCode(), login.body());
        String token = (String) Json.parseObject(login.body()).get("token");
        assertNotNull(token);

        // a stream first: it sees the writes that follow
        HttpRequest sse = HttpRequest.newBuilder(URI.create(base + "/namespaces/tasks/changes"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
        HttpResponse<java.io.InputStream> stream = HTTP.send(sse, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException ignored) {
                // the stream is closed when the test ends
            }
        });
        reader.setDaemon(true);
        reader.start();
        assertEquals("event: ready", next(lines, l -> l.startsWith("event:")));
        assertTrue(next(lines, l -> l.startsWith("data:")).contains("\"agentId\":\"alice\""));

        HttpResponse<String> put = send("PUT", "/namespaces/tasks/entries/t1", token,
                Map.of("value", Map.of("state", "open"), "metadata", Map.of("by", "test")));
        assertEquals(201, put.statusCode(), put.body());
        Map<String, Object> written = Json.parseObject(put.body());
        assertEquals("WRITTEN", written.get("status"));
        assertEquals(1, written.get("version"));

        HttpResponse<String> get = send("GET", "/namespaces/tasks/entries/t1", token, null);
        assertEquals(200, get.statusCode());
        Map<String, Object> entry = Json.parseObject(get.body());
        assertEquals(Map.of("state", "open"), entry.get("value"));
        assertEquals("alice", entry.get("ownerId"));
        assertEquals(Map.of("by", "test"), entry.get("metadata"));

        for (int i = 0; i < 5; i++) {
            assertEquals(201, send("PUT", "/namespaces/tasks/entries/k" + i, token, Map.of("value", i)).statusCode());
        }
        HttpResponse<String> page1 = send("GET", "/namespaces/tasks/keys?prefix=k&limit=3", token, null);
        Map<String, Object> p1 = Json.parseObject(page1.body());
        assertEquals(List.of("k0", "k1", "k2"), p1.get("keys"));
        HttpResponse<String> page2 = send("GET", "/namespaces/tasks/keys?prefix=k&limit=3&cursor="
                + p1.get("nextCursor"), token, null);
        Map<String, Object> p2 = Json.parseObject(page2.body());
        assertEquals(List.of("k3", "k4"), p2.get("keys"));
        assertEquals(null, p2.get("nextCursor"));

        String data = next(lines, l -> l.startsWith("data:"));
        Map<String, Object> change = Json.parseObject(data.substring(5).strip());
        assertEquals("t1", change.get("key"));
        assertEquals("WRITE", change.get("action"));
        assertEquals("alice", change.get("agentId"));
        for (int i = 0; i < 5; i++) {
            Map<String, Object> c = Json.parseObject(next(lines, l -> l.startsWith("data:")).substring(5).strip());
            assertEquals("k" + i, c.get("key"));
        }

        HttpResponse<String> noToken = send("GET", "/namespaces/tasks/entries/t1", null, null);
        assertEquals(401, noToken.statusCode());
        assertTrue(noToken.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    }

    @Test
    void operationCountersAndAPluginCatalog_areTheApplicationsToGive() throws Exception {
        String token = (String) Json.parseObject(send("POST", "/sessions", null,
                Map.of("agentId", "alice", "secret", new String(SECRET))).body()).get("token");
        Map<String, Object> without = Json.parseObject(send("GET", "/stats", token, null).body());
        assertTrue(without.containsKey("operations") && without.get("operations") == null, without.toString());
        HttpResponse<String> noCatalog = send("GET", "/plugins", token, null);
        assertEquals(404, noCatalog.statusCode());
        assertTrue(noCatalog.body().contains("without a plugin catalog"), noCatalog.body());

        assertEquals(201, send("PUT", "/namespaces/tasks/entries/counted", token, Map.of("value", 1)).statusCode());
        HttpRequest stats = HttpRequest.newBuilder(URI.create(figures + "/stats"))
                .header("Authorization", "Bearer " + token).build();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            Map<String, Object> s = Json.parseObject(HTTP.send(stats, HttpResponse.BodyHandlers.ofString()).body());
            List<?> writes = (List<?>) ((Map<?, ?>) s.get("operations")).get("writes");
            return writes.stream().mapToLong(n -> ((Number) n).longValue()).sum() >= 1;
        });
        HttpRequest plugins = HttpRequest.newBuilder(URI.create(figures + "/plugins"))
                .header("Authorization", "Bearer " + token).build();
        Map<String, Object> p = Json.parseObject(HTTP.send(plugins, HttpResponse.BodyHandlers.ofString()).body());
        assertEquals(List.of(Map.of("name", "latest-wins", "ranking", 0, "serviceId", -1, "component",
                "the application's", "inUse", true)), ((List<?>) p.get("strategies")).stream()
                .map(x -> without((Map<?, ?>) x, "bundle")).toList());
        assertEquals("memory", ((Map<?, ?>) p.get("store")).get("store"));
    }

    private static Map<Object, Object> without(Map<?, ?> m, String key) {
        Map<Object, Object> copy = new java.util.LinkedHashMap<>(m);
        copy.remove(key);
        return copy;
    }

    private static String next(BlockingQueue<String> lines, java.util.function.Predicate<String> p)
            throws InterruptedException {
        for (;;) {
            String l = lines.poll(20, TimeUnit.SECONDS);
            assertNotNull(l, "no line within 20 s");
            if (p.test(l)) {
                return l;
            }
        }
    }

    /**
     * A refusal sent before the body arrived ends the connection and says {@code Connection: close}: without the
     * header a pooling client reuses the connection the container closes after the answer and reads nothing back.
     * The body is held back on purpose, so the container cannot have read it.
     */
    @Test
    void aRefusalBeforeTheBodyArrivedSaysTheConnectionCloses() throws Exception {
        URI uri = URI.create(base);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("PUT /v1/namespaces/tasks/entries/t1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            assertTrue(in.readLine().contains(" 401 "));
            boolean close = false;
            for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                close |= line.equalsIgnoreCase("Connection: close");
            }
            assertTrue(close, "Connection: close on a refusal whose body was not read");
        }
    }
}
