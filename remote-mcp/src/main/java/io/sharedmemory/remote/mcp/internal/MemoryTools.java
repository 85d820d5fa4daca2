package io.sharedmemory.remote.mcp.internal;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.InvalidInputException;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceNotFoundException;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.json.Json;
import io.sharedmemory.remote.http.AgentViews;
import io.sharedmemory.remote.http.ChangeFeeds;
import io.sharedmemory.remote.http.JsonViews;
import io.sharedmemory.remote.http.KeyPage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The MCP tools. Each acts through the session of the request's bearer token (put into the transport context by
 * {@link io.sharedmemory.remote.mcp.MemoryMcpServlet}); no tool takes an agent id. A result is JSON text plus the same
 * object as structured content; a refusal is a result with {@code isError} and {@code {"error","message"}}, so that a
 * model reads why and can act on it. Administrative actions (creating namespaces, permissions) are not tools.
 */
public final class MemoryTools {
    /** The transport-context key of the request's {@link AgentSession}. */
    public static final String SESSION = "sharedmemory.session";

    private static final int MAX_PAGE = 1000;

    private final SharedMemory memory;
    private final ChangeFeeds feeds;

    public MemoryTools(SharedMemory memory, ChangeFeeds feeds) {
        this.memory = memory;
        this.feeds = feeds;
    }

    public List<SyncToolSpecification> all() {
        return List.of(
                tool("whoami", "Who am I: the agent this connection acts as, and its permission in each namespace.",
                        schema(Map.of(), List.of()), true, false, true, (s, a) -> ok(whoami(s))),
                tool("list_namespaces", "The namespaces this agent may read, with its permission in each.",
                        schema(Map.of(), List.of()), true, false, true,
                        (s, a) -> ok(Map.of("namespaces", AgentViews.namespaces(memory, s)))),
                tool("list_keys", "Keys of a namespace in order, a page at a time: pass nextCursor back as cursor.",
                        schema(props("namespace", str("the namespace"), "prefix", str("only keys starting with it"),
                                "limit", integer("page size (default 100)", 1, MAX_PAGE),
                                "cursor", str("nextCursor of the previous page")), List.of("namespace")),
                        true, false, true, this::listKeys),
                tool("get", "Read one entry: its value, version, owner and timestamps.",
                        schema(props("namespace", str("the namespace"), "key", str("the key")),
                                List.of("namespace", "key")), true, false, true, this::get),
                tool("put", "Write a value (any JSON). With expected_version it is a compare-and-set: refused with "
                                + "VERSION_MISMATCH (and the current value and version) unless the key is at that "
                                + "version (0: absent).",
                        schema(props("namespace", str("the namespace"), "key", str("the key"),
                                "value", Map.of("description", "the value: any JSON but null"),
                                "expected_version", integer("write only if the key is at this version", 0,
                                        Long.MAX_VALUE),
                                "metadata", Map.of("type", "object", "description", "stored with the entry")),
                                List.of("namespace", "key", "value")), false, true, false, this::put),
                tool("delete", "Delete a key.", schema(props("namespace", str("the namespace"), "key", str("the key")),
                        List.of("namespace", "key")), false, true, true, this::delete),
                tool("broadcast", "Send a message (any JSON) to the namespace's subscribers; stores nothing.",
                        schema(props("namespace", str("the namespace"),
                                "message", Map.of("description", "the message: any JSON")),
                                List.of("namespace", "message")), false, false, false, this::broadcast),
                tool("poll_changes", "Changes of a namespace since a cursor: call first without since, then pass the "
                                + "returned cursor back as since. Waits up to timeout_ms for the first change. A gap "
                                + "object means events were missed: re-read what you need.",
                        schema(props("namespace", str("the namespace"), "since", str("the cursor of the last call"),
                                "timeout_ms", integer("how long to wait for a change (default 0)", 0,
                                        ChangeFeeds.MAX_POLL_WAIT.toMillis()),
                                "max", integer("most events (default 100)", 1, 1000)), List.of("namespace")),
                        true, false, false, this::pollChanges),
                tool("read_access_log", "The access log (who did what, where, whether it worked), newest last, "
                                + "restricted to namespaces this agent may read.",
                        schema(props("agent_id", str("only this agent's entries"),
                                "namespace", str("only this namespace"),
                                "action", str("only this action: READ, WRITE, DELETE, SUBSCRIBE, BROADCAST, CLEAR, "
                                        + "DELETE_NAMESPACE, UPDATE_PERMISSIONS, CREATE_NAMESPACE, EXPIRE, "
                                        + "AUTHENTICATE"),
                                "success", Map.of("type", "boolean", "description", "only successes or failures"),
                                "limit", integer("most entries (default 50)", 1, 1000)), List.of()),
                        true, false, true, this::readAccessLog));
    }

    private Map<String, Object> whoami(AgentSession s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agentId", s.agentId());
        out.put("expiresAt", s.expiresAt().toString());
        out.put("namespaces", AgentViews.namespaces(memory, s));
        return out;
    }

    private CallToolResult listKeys(AgentSession s, Map<String, Object> a) {
        String ns = (String) a.get("namespace");
        List<String> keys = s.getKeys(ns);
        if (keys == null) {
            return refused(s, ns, null, Permission.READ, "list the keys of");
        }
        KeyPage page = KeyPage.of(keys, (String) a.get("prefix"), (String) a.get("cursor"),
                (int) number(a, "limit", 100));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("keys", page.keys());
        out.put("nextCursor", page.nextCursor());
        return ok(out);
    }

    private CallToolResult get(AgentSession s, Map<String, Object> a) {
        String ns = (String) a.get("namespace");
        String key = (String) a.get("key");
        Optional<MemoryEntry> e = s.readEntry(ns, key);
        if (e.isEmpty()) {
            return refused(s, ns, key, Permission.READ, "read");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("namespace", ns);
        out.put("key", key);
        out.putAll(JsonViews.entry(e.get()));
        return ok(out);
    }

    @SuppressWarnings("unchecked")
    private CallToolResult put(AgentSession s, Map<String, Object> a) {
        String ns = (String) a.get("namespace");
        String key = (String) a.get("key");
        WriteOptions.Builder o = WriteOptions.builder();
        if (a.get("expected_version") != null) {
            o.expectedVersion(number(a, "expected_version", 0));
        }
        if (a.get("metadata") instanceof Map<?, ?> m) {
            o.metadata((Map<String, Object>) m);
        }
        WriteResult r = s.write(ns, key, a.get("value"), o.build());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("namespace", ns);
        out.put("key", key);
        out.putAll(JsonViews.writeResult(r));
        if (r.status() == WriteResult.Status.VERSION_MISMATCH) {
            Optional<MemoryEntry> current = s.readEntry(ns, key);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("value", current.map(MemoryEntry::value).orElse(null));
            c.put("version", current.map(MemoryEntry::version).orElse(0L));
            out.put("current", c);
        }
        return r.isWritten() ? ok(out) : error(out);
    }

    private CallToolResult delete(AgentSession s, Map<String, Object> a) {
        String ns = (String) a.get("namespace");
        String key = (String) a.get("key");
        if (!s.delete(ns, key)) {
            return refused(s, ns, key, Permission.WRITE, "delete");
        }
        return ok(Map.of("namespace", ns, "key", key, "deleted", true));
    }

    private CallToolResult broadcast(AgentSession s, Map<String, Object> a) {
        String ns = (String) a.get("namespace");
        s.broadcast(ns, a.get("message"));
        return ok(Map.of("namespace", ns, "broadcast", true));
    }

    private CallToolResult pollChanges(AgentSession s, Map<String, Object> a) {
        String ns = (String) a.get("namespace");
        ChangeFeeds.Poll p;
        try {
            p = feeds.poll(s, ns, (String) a.get("since"), Duration.ofMillis(number(a, "timeout_ms", 0)),
                    (int) number(a, "max", 100));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(problem("interrupted", "the poll was interrupted"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", p.events());
        out.put("cursor", p.cursor());
        if (p.gap() != null) {
            out.put("gap", p.gap());
        }
        if (p.ended() != null) {
            out.put("ended", p.ended());
        }
        return ok(out);
    }

    private CallToolResult readAccessLog(AgentSession s, Map<String, Object> a) {
        AccessLogQuery.Builder q = AccessLogQuery.builder()
                .agentId((String) a.get("agent_id"))
                .namespace((String) a.get("namespace"));
        if (a.get("action") instanceof String action) {
            try {
                q.action(AccessAction.valueOf(action.strip().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                return error(problem("invalid", "unknown action \"" + action + "\""));
            }
        }
        if (a.get("success") instanceof Boolean b) {
            q.success(b);
        }
        int limit = (int) number(a, "limit", 50);
        return ok(Map.of("entries", AgentViews.readableAccessLog(memory, s, q.build(), limit)));
    }

    private CallToolResult refused(AgentSession s, String ns, String key, Permission needed, String what) {
        return error(AgentViews.whyNot(memory, s, ns, key, needed, what)
                .map(r -> problem(r.error(), r.message()))
                .orElseGet(() -> problem("not_found", "key \"" + key + "\" not found (or expired) in " + ns)));
    }

    private static long number(Map<String, Object> a, String name, long absent) {
        Object v = a.get(name);
        if (v == null) {
            return absent;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw new IllegalArgumentException("\"" + name + "\" must be a whole number");
    }

    private static SyncToolSpecification tool(String name, String description, Map<String, Object> schema,
                                              boolean readOnly, boolean destructive, boolean idempotent,
                                              BiFunction<AgentSession, Map<String, Object>, CallToolResult> body) {
        McpSchema.Tool tool = McpSchema.Tool.builder()
                .name(name)
                .description(description)
                .inputSchema(schema)
                .annotations(new McpSchema.ToolAnnotations(null, readOnly, destructive, idempotent, false, null))
                .build();
        return SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
            AgentSession session = session(exchange);
            Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
            try {
                return body.apply(session, args);
            } catch (AccessDeniedException e) {
                return error(problem(session.isOpen() ? "forbidden" : "unauthenticated", e.getMessage()));
            } catch (NamespaceNotFoundException e) {
                return error(problem("not_found", e.getMessage()));
            } catch (InvalidInputException | IllegalArgumentException | ClassCastException e) {
                return error(problem("invalid", e.getMessage()));
            } catch (SharedMemoryException | IllegalStateException e) {
                return error(problem("unavailable", e.getMessage()));
            }
        }).build();
    }

    static AgentSession session(McpSyncServerExchange exchange) {
        Object s = exchange.transportContext().get(SESSION);
        if (!(s instanceof AgentSession session)) {
            throw new IllegalStateException("no authenticated session on this request");
        }
        return session;
    }

    private static Map<String, Object> schema(Map<String, Object> properties, List<String> required) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", "object");
        s.put("properties", properties);
        s.put("required", required);
        s.put("additionalProperties", false);
        return s;
    }

    private static Map<String, Object> props(Object... nameThenSchema) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenSchema.length; i += 2) {
            m.put((String) nameThenSchema[i], nameThenSchema[i + 1]);
        }
        return m;
    }

    private static Map<String, Object> str(String description) {
        return Map.of("type", "string", "description", description);
    }

    private static Map<String, Object> integer(String description, long min, long max) {
        return Map.of("type", "integer", "description", description, "minimum", min, "maximum", max);
    }

    static Map<String, Object> problem(String error, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        m.put("message", message);
        return m;
    }

    static CallToolResult ok(Map<String, Object> result) {
        return CallToolResult.builder().addTextContent(Json.write(result)).structuredContent(result)
                .isError(false).build();
    }

    static CallToolResult error(Map<String, Object> result) {
        return CallToolResult.builder().addTextContent(Json.write(result)).structuredContent(result)
                .isError(true).build();
    }
}
