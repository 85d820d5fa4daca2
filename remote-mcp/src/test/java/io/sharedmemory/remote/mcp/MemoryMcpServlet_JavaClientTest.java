package io.sharedmemory.remote.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.json.Json;
import io.sharedmemory.permissions.ConfiguredAuthenticator;
import io.sharedmemory.remote.http.RemoteSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MCP server in a plain servlet container, driven by the MCP Java SDK's own client over Streamable HTTP with a
 * bearer token: tools are listed with their schemas and annotations, each is called, a version mismatch returns the
 * current value, a resource is read and its subscription notified, and a request without a valid token never reaches
 * the SDK.
 */
class MemoryMcpServlet_JavaClientTest {
    private static SharedMemory memory;
    private static Server server;
    private static String base;
    private static String aliceToken;
    private static String bobToken;

    @BeforeAll
    static void start() throws Exception {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        ConfiguredAuthenticator auth = ConfiguredAuthenticator.builder()
                .tokenOnlyAgent("alice").tokenOnlyAgent("bob").signingKey(key).build();
        memory = SharedMemory.create(SharedMemoryOptions.builder().identity(IdentityMode.AUTHENTICATED)
                .plugin(auth).build());
        memory.createNamespace("notes", NamespaceConfig.builder().defaultPermission(Permission.NONE)
                .permission("alice", Permission.WRITE).build());
        aliceToken = auth.issue("alice").orElseThrow().token();
        bobToken = auth.issue("bob").orElseThrow().token();

        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(new MemoryMcpServlet(memory, RemoteSettings.defaults(),
                MemoryMcpServlet.LOCAL_HOSTS));
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/mcp");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        memory.close();
    }

    private static McpSyncClient client(String token, List<McpSchema.ResourceContents> updates) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
                .endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                .build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20))
                .resourcesUpdateConsumer(updates::addAll).build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(McpSyncClient c, String tool, Map<String, Object> args, boolean error) {
        McpSchema.CallToolResult r = c.callTool(new McpSchema.CallToolRequest(tool, args));
        assertEquals(error, Boolean.TRUE.equals(r.isError()), () -> tool + " " + r);
        Map<String, Object> structured = (Map<String, Object>) r.structuredContent();
        String text = ((McpSchema.TextContent) r.content().get(0)).text();
        assertEquals(Json.parseObject(text), Json.parseObject(Json.write(structured)), "text = structured content");
        return structured;
    }

    @Test
    void everyToolWorksAsTheTokensAgent() throws Exception {
        List<McpSchema.ResourceContents> updates = new CopyOnWriteArrayList<>();
        try (McpSyncClient alice = client(aliceToken, updates)) {
            alice.initialize();
            List<McpSchema.Tool> tools = alice.listTools().tools();
            assertEquals(List.of("whoami", "list_namespaces", "list_keys", "get", "put", "delete", "broadcast",
                    "poll_changes", "read_access_log"), tools.stream().map(McpSchema.Tool::name).toList());
            for (McpSchema.Tool t : tools) {
                assertNotNull(t.annotations().readOnlyHint(), t.name());
                assertNotNull(t.annotations().destructiveHint(), t.name());
                assertEquals("object", t.inputSchema().get("type"));
                Map<?, ?> props = (Map<?, ?>) t.inputSchema().get("properties");
                assertFalse(props.keySet().stream().anyMatch(p -> p.toString().contains("agent"))
                        && !t.name().equals("read_access_log"), "no tool but the log filter names an agent");
            }

            Map<String, Object> who = call(alice, "whoami", Map.of(), false);
            assertEquals("alice", who.get("agentId"));
            assertEquals(List.of(Map.of("name", "notes", "permission", "write")), who.get("namespaces"));

            Map<String, Object> first = call(alice, "poll_changes", Map.of("namespace", "notes"), false);
            String cursor = (String) first.get("cursor");

            Map<String, Object> put = call(alice, "put", Map.of("namespace", "notes", "key", "n1",
                    "value", Map.of("text", "hello")), false);
            assertEquals("WRITTEN", put.get("status"));
            assertEquals(1, ((Number) put.get("version")).intValue());

            Map<String, Object> mismatch = call(alice, "put", Map.of("namespace", "notes", "key", "n1",
                    "value", "other", "expected_version", 0), true);
            assertEquals("VERSION_MISMATCH", mismatch.get("status"));
            assertEquals(Map.of("value", Map.of("text", "hello"), "version", 1), mismatch.get("current"));

            Map<String, Object> got = call(alice, "get", Map.of("namespace", "notes", "key", "n1"), false);
            assertEquals(Map.of("text", "hello"), got.get("value"));
            assertEquals("alice", got.get("ownerId"));

            assertEquals(List.of("n1"), call(alice, "list_keys", Map.of("namespace", "notes"), false).get("keys"));
            assertEquals(List.of(Map.of("name", "notes", "permission", "write")),
                    call(alice, "list_namespaces", Map.of(), false).get("namespaces"));
            call(alice, "broadcast", Map.of("namespace", "notes", "message", "hi all"), false);

            Map<String, Object> changes = call(alice, "poll_changes", Map.of("namespace", "notes", "since", cursor,
                    "timeout_ms", 2000), false);
            List<Map<String, Object>> events = (List<Map<String, Object>>) changes.get("events");
            assertEquals(List.of("WRITE", "BROADCAST"), events.stream().map(e -> e.get("action")).toList());
            assertEquals(null, changes.get("gap"));

            // a resource and its subscription
            McpSchema.ReadResourceResult read = alice.readResource(new McpSchema.ReadResourceRequest(
                    "memory://notes/n1"));
            String json = ((McpSchema.TextResourceContents) read.contents().get(0)).text();
            assertEquals(Map.of("text", "hello"), Json.parseObject(json).get("value"));
            alice.subscribeResource(new McpSchema.SubscribeRequest("memory://notes/n1"));
            call(alice, "put", Map.of("namespace", "notes", "key", "n1", "value", "changed"), false);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !updates.isEmpty());
            assertEquals("memory://notes/n1", updates.get(0).uri());

            Map<String, Object> log = call(alice, "read_access_log", Map.of("namespace", "notes", "action", "WRITE"),
                    false);
            assertTrue(((List<?>) log.get("entries")).size() >= 2, log.toString());

            assertEquals(true, call(alice, "delete", Map.of("namespace", "notes", "key", "n1"), false)
                    .get("deleted"));
            assertEquals("not_found", call(alice, "get", Map.of("namespace", "notes", "key", "n1"), true)
                    .get("error"));
        }
    }

    @Test
    void anotherAgentCannotReadOrUseAlicesNamespaceOrSession() throws Exception {
        try (McpSyncClient bob = client(bobToken, new CopyOnWriteArrayList<>())) {
            bob.initialize();
            assertEquals(List.of(), call(bob, "list_namespaces", Map.of(), false).get("namespaces"));
            assertEquals("forbidden", call(bob, "get", Map.of("namespace", "notes", "key", "n1"), true)
                    .get("error"));
            assertEquals("DENIED", call(bob, "put", Map.of("namespace", "notes", "key", "x", "value", 1), true)
                    .get("status"));
            assertEquals("forbidden", call(bob, "poll_changes", Map.of("namespace", "notes"), true).get("error"));
            assertEquals("forbidden", call(bob, "list_keys", Map.of("namespace", "notes"), true).get("error"));
            assertEquals("forbidden", call(bob, "delete", Map.of("namespace", "notes", "key", "n1"), true)
                    .get("error"));
            assertEquals("forbidden", call(bob, "broadcast", Map.of("namespace", "notes", "message", "x"), true)
                    .get("error"));
            assertEquals(List.of(), call(bob, "read_access_log", Map.of("namespace", "notes"), false).get("entries"));
            assertEquals(List.of(), call(bob, "read_access_log", Map.of("agent_id", "alice"), false).get("entries"));
            assertEquals("bob", call(bob, "whoami", Map.of(), false).get("agentId"));
            assertThrows(RuntimeException.class, () -> bob.subscribeResource(
                    new McpSchema.SubscribeRequest("memory://notes/n1")));
            // an agent_id argument is not part of any schema: refused by validation, not believed
            McpSchema.CallToolResult smuggled = bob.callTool(new McpSchema.CallToolRequest("get",
                    Map.of("namespace", "notes", "key", "n1", "agent_id", "alice")));
            assertTrue(Boolean.TRUE.equals(smuggled.isError()), smuggled.toString());
        }
    }

    @Test
    void noTokenForgedTokenAndForeignSessionAreRefusedBeforeTheSdk() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(init));
        HttpResponse<String> none = http.send(post.copy().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        HttpResponse<String> forged = http.send(post.copy().header("Authorization", "Bearer " + aliceToken + "x")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, forged.statusCode());
        assertEquals(-32001, ((Number) ((Map<?, ?>) Json.parseObject(forged.body()).get("error")).get("code"))
                .intValue());

        HttpResponse<String> ok = http.send(post.copy().header("Authorization", "Bearer " + aliceToken).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), ok.body());
        String sessionId = ok.headers().firstValue("Mcp-Session-Id").orElseThrow();
        String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
        HttpResponse<String> foreign = http.send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + bobToken).header("Mcp-Session-Id", sessionId)
                .POST(HttpRequest.BodyPublishers.ofString(list)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, foreign.statusCode(), foreign.body());

        HttpResponse<String> evilOrigin = http.send(post.copy().header("Authorization", "Bearer " + aliceToken)
                .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, evilOrigin.statusCode());
        assertFalse(evilOrigin.body().contains("at io.modelcontextprotocol"), "no stack trace in an error body");
    }

    /** As the HTTP API: a refusal sent before the body arrived says {@code Connection: close}. */
    @Test
    void aRefusalBeforeTheBodyArrivedSaysTheConnectionCloses() throws Exception {
        URI uri = URI.create(base);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 40\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
            assertTrue(in.readLine().contains(" 401 "));
            boolean close = false;
            for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                close |= line.equalsIgnoreCase("Connection: close");
            }
            assertTrue(close, "Connection: close on a refusal whose body was not read");
        }
    }
}
