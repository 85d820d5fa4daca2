package io.sharedmemory.remote.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.json.Json;
import io.sharedmemory.json.JsonException;
import io.sharedmemory.remote.http.BearerSessions;
import io.sharedmemory.remote.http.ChangeFeeds;
import io.sharedmemory.remote.http.RemoteSettings;
import io.sharedmemory.remote.mcp.internal.BufferedRequest;
import io.sharedmemory.remote.mcp.internal.McpJson;
import io.sharedmemory.remote.mcp.internal.MemoryResources;
import io.sharedmemory.remote.mcp.internal.MemoryTools;
import io.sharedmemory.remote.mcp.internal.SessionIdCapture;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An MCP server over a {@link SharedMemory}: the MCP Java SDK's Streamable HTTP transport with the memory's tools and
 * {@code memory://{namespace}/{key}} resources, as one servlet. Map it at {@code /mcp} with asynchronous support on;
 * inside OSGi the {@code io.sharedmemory.remote.mcp} bundle does that through the servlet whiteboard.
 *
 * <h2>Identity</h2>
 * Every request needs {@code Authorization: Bearer <token>} (the same tokens as the HTTP API: {@code POST /v1/sessions}
 * or the shell's {@code sm:token}); without a valid one it is answered 401 with {@code WWW-Authenticate: Bearer} before
 * the SDK sees it. Tools and resources act through that token's {@link AgentSession}; no tool takes an agent id. An MCP
 * session belongs to the agent that initialized it: a request of another agent naming it is answered as if it did not
 * exist (404). {@code Origin} and {@code Host} are checked by the SDK's validator against the configured lists
 * (by default this machine only), which guards against DNS rebinding.
 *
 * <p>{@link #destroy()} closes the MCP server, its sessions and their watches.
 */
public final class MemoryMcpServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** Hosts a request may name by default: this machine, any port. */
    public static final List<String> LOCAL_HOSTS = List.of("localhost:*", "127.0.0.1:*", "[::1]:*", "localhost",
            "127.0.0.1", "[::1]");
    private static final String SESSION_ATTRIBUTE = MemoryTools.SESSION;
    private static final String MCP_SESSION_ID = "Mcp-Session-Id";

    private final transient java.util.concurrent.atomic.AtomicBoolean destroyed =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final transient BearerSessions sessions;
    private final transient ChangeFeeds feeds;
    private final transient MemoryResources resources = new MemoryResources();
    private final transient SharedMemory memory;
    private final transient RemoteSettings settings;
    private final transient List<String> allowedHosts;
    private transient volatile HttpServletStreamableServerTransportProvider transport;
    private transient McpSyncServer server;
    /** MCP session id → the agent that opened it, and when it was last used (System.nanoTime). */
    private final transient Map<String, Owner> owners = new ConcurrentHashMap<>();
    private final int maxBodyBytes;

    private static final long OWNER_IDLE_NANOS = java.util.concurrent.TimeUnit.HOURS.toNanos(1);

    private static final class Owner {
        final String agentId;
        volatile long lastUsed = System.nanoTime();

        Owner(String agentId) {
            this.agentId = agentId;
        }
    }

    /**
     * @param memory the memory to serve; its authenticator proves the tokens
     * @param settings limits (body size, sessions cached, change-feed retention, allowed origins)
     * @param allowedHosts the {@code Host} values accepted ({@code host:*} for any port), see {@link #LOCAL_HOSTS}
     */
    public MemoryMcpServlet(SharedMemory memory, RemoteSettings settings, List<String> allowedHosts) {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(settings, "settings");
        this.maxBodyBytes = settings.maxBodyBytes();
        this.sessions = new BearerSessions(memory, settings.sessionCacheSize());
        this.feeds = new ChangeFeeds(settings);
        this.memory = memory;
        this.settings = settings;
        this.allowedHosts = List.copyOf(allowedHosts);
    }

    /**
     * The SDK's transport and server, built on the first request: building them (Jackson, the schema validator,
     * Reactor) costs about half a second of CPU, which a platform starting up spends better on answering sooner.
     */
    private HttpServletStreamableServerTransportProvider transport() throws ServletException {
        HttpServletStreamableServerTransportProvider t = transport;
        if (t != null) {
            return t;
        }
        synchronized (this) {
            if (transport == null) {
                if (destroyed.get()) {
                    throw new ServletException("the MCP server is stopped");
                }
                McpJson json = new McpJson();
                t = HttpServletStreamableServerTransportProvider.builder()
                        .jsonMapper(json.jsonMapper())
                        .mcpEndpoint("/mcp")
                        .maxRequestSize(settings.maxBodyBytes())
                        .contextExtractor(req -> McpTransportContext.create(Map.of(MemoryTools.SESSION,
                                Objects.requireNonNull(req.getAttribute(SESSION_ATTRIBUTE), "no session"))))
                        .securityValidator(DefaultServerTransportSecurityValidator.builder()
                                .allowedHosts(allowedHosts)
                                .allowedOrigins(settings.allowedOrigins())
                                .build())
                        .keepAliveInterval(Duration.ofSeconds(30))
                        .build();
                resources.transport(t);
                server = McpServer.sync(t)
                        .serverInfo("sharedmemory", "1.0.0")
                        .instructions("Shared memory for agents: namespaces of key -> JSON value entries, with "
                                + "per-agent permissions. You act as the agent of your token (whoami). Use get/put "
                                + "with expected_version for safe updates; poll_changes to follow a namespace.")
                        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).resources(true, false)
                                .build())
                        .jsonMapper(json.jsonMapper())
                        .jsonSchemaValidator(json.schemaValidator())
                        .validateToolInputs(true)
                        .tools(new MemoryTools(memory, feeds).all())
                        .resourceTemplates(resources.template())
                        .build();
                if (getServletConfig() != null) {
                    t.init(getServletConfig());
                }
                transport = t;
            }
            return transport;
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        String token = BearerSessions.bearerToken(req.getHeader("Authorization"));
        AgentSession session;
        try {
            if (token == null) {
                throw new AccessDeniedException("missing");
            }
            session = sessions.session(token);
        } catch (AccessDeniedException e) {
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"sharedmemory\""
                    + (token == null ? "" : ", error=\"invalid_token\""));
            closeIfBodyUnread(req, resp);
            rpcError(resp, 401, null, -32001, token == null ? "this server needs Authorization: Bearer <token>"
                    : "the token is not valid: malformed, forged, expired or of an agent no longer configured");
            return;
        }
        String mcpSession = req.getHeader(MCP_SESSION_ID);
        Owner owner = mcpSession == null ? null : owners.get(mcpSession);
        if (owner != null) {
            if (!owner.agentId.equals(session.agentId())) {
                closeIfBodyUnread(req, resp);
                rpcError(resp, 404, null, -32001, "Session not found: " + mcpSession);
                return;
            }
            owner.lastUsed = System.nanoTime();
        }
        req.setAttribute(SESSION_ATTRIBUTE, session);
        HttpServletRequest forward = req;
        if ("POST".equals(req.getMethod())) {
            byte[] body = read(req, resp);
            if (body == null) {
                return;
            }
            if (mcpSession != null && interceptSubscription(body, mcpSession, session, resp)) {
                return;
            }
            forward = new BufferedRequest(req, body);
        }
        if (mcpSession == null && "POST".equals(req.getMethod())) {
            SessionIdCapture capture = new SessionIdCapture(resp);
            transport().service(forward, capture);
            if (capture.sessionId() != null) {
                forgetIdleSessions();
                owners.put(capture.sessionId(), new Owner(session.agentId()));
            }
            return;
        }
        transport().service(forward, resp);
        if (mcpSession == null) {
            return;
        }
        if ("DELETE".equals(req.getMethod()) && resp.getStatus() == 200) {
            owners.remove(mcpSession);
            resources.drop(mcpSession);
        } else if (owner == null && resp.getStatus() < 400) {
            // a session the SDK still serves whose binding was forgotten after an hour idle: bound to its next user
            owners.putIfAbsent(mcpSession, new Owner(session.agentId()));
        }
    }

    /** Bounds the owners map: sessions unused for an hour (the SDK sweeps its own) lose their binding and watches. */
    private void forgetIdleSessions() {
        if (owners.size() < 256) {
            return;
        }
        long now = System.nanoTime();
        owners.entrySet().removeIf(e -> {
            boolean idle = now - e.getValue().lastUsed > OWNER_IDLE_NANOS;
            if (idle) {
                resources.drop(e.getKey());
            }
            return idle;
        });
    }

    /**
     * Handles {@code resources/subscribe} and {@code resources/unsubscribe} here (see {@link MemoryResources}).
     *
     * @return whether the request was answered
     */
    private boolean interceptSubscription(byte[] body, String mcpSession, AgentSession session,
                                          HttpServletResponse resp) throws IOException {
        Object message;
        try {
            message = Json.parse(body);
        } catch (JsonException e) {
            return false; // the SDK answers malformed messages
        }
        if (!(message instanceof Map<?, ?> m) || !(m.get("method") instanceof String method)
                || !method.equals(McpSchema.METHOD_RESOURCES_SUBSCRIBE)
                && !method.equals(McpSchema.METHOD_RESOURCES_UNSUBSCRIBE)) {
            return false;
        }
        Object id = m.get("id");
        Object uri = m.get("params") instanceof Map<?, ?> p ? p.get("uri") : null;
        if (!(uri instanceof String u)) {
            rpcError(resp, 200, id, -32602, "params.uri (a string) is required");
            return true;
        }
        try {
            if (method.equals(McpSchema.METHOD_RESOURCES_SUBSCRIBE)) {
                resources.subscribe(mcpSession, session, u);
            } else {
                resources.unsubscribe(mcpSession, u);
            }
        } catch (IllegalArgumentException e) {
            rpcError(resp, 200, id, -32602, e.getMessage());
            return true;
        } catch (SharedMemoryException e) {
            rpcError(resp, 200, id, -32002, e.getMessage());
            return true;
        }
        Map<String, Object> ok = new LinkedHashMap<>();
        ok.put("jsonrpc", "2.0");
        ok.put("id", id);
        ok.put("result", Map.of());
        write(resp, 200, ok);
        return true;
    }

    private byte[] read(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getContentLengthLong() > maxBodyBytes) {
            resp.setHeader("Connection", "close");
            rpcError(resp, 413, null, -32600, "the body is larger than the limit of " + maxBodyBytes + " bytes");
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = req.getInputStream();
        byte[] buf = new byte[8192];
        for (int n, total = 0; (n = in.read(buf)) >= 0; ) {
            total += n;
            if (total > maxBodyBytes) {
                resp.setHeader("Connection", "close");
                rpcError(resp, 413, null, -32600, "the body is larger than the limit of " + maxBodyBytes + " bytes");
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /**
     * A refusal answered before the body was read ends the connection and says so (see the HTTP API's replies): the
     * container would otherwise close it silently when the body had not fully arrived, and a pooling client would send
     * its next request into the closed connection.
     */
    private static void closeIfBodyUnread(HttpServletRequest req, HttpServletResponse resp) {
        long length = req.getContentLengthLong();
        if (length > 0 || length < 0 && req.getHeader("Transfer-Encoding") != null) {
            resp.setHeader("Connection", "close");
        }
    }

    private static void rpcError(HttpServletResponse resp, int status, Object id, int code, String message)
            throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jsonrpc", "2.0");
        body.put("id", id);
        body.put("error", error);
        write(resp, status, body);
    }

    private static void write(HttpServletResponse resp, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("application/json;charset=utf-8");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    @Override
    public void destroy() {
        if (!destroyed.compareAndSet(false, true)) {
            return;
        }
        resources.close();
        synchronized (this) {
            if (server != null) {
                server.close();
            }
        }
        feeds.close();
        sessions.clear();
        super.destroy();
    }
}
