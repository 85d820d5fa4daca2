package io.sharedmemory.remote.mcp.internal;

import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.json.Json;
import io.sharedmemory.remote.http.JsonViews;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resources {@code memory://{namespace}/{key}} — an entry as JSON — and their subscriptions.
 *
 * <p>Subscriptions are kept here, per MCP session, not by the SDK (whose own list would let any session hear about any
 * URI): a {@code resources/subscribe} is checked by the engine through the subscribing agent's session (a subscription
 * to the namespace, recorded in the access log) and each MCP session holds one engine subscription per namespace it
 * watches. A change of a watched key (write, delete, expiry) sends {@code notifications/resources/updated} to that MCP
 * session only. When the agent may no longer read the namespace, the engine ends the subscription and the
 * notifications stop.
 */
public final class MemoryResources {
    public static final String TEMPLATE = "memory://{namespace}/{key}";
    private static final String SCHEME = "memory://";

    /** One MCP session's watches: per namespace, the engine subscription and the watched keys → URI as subscribed. */
    private static final class Watches {
        final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
        final Map<String, Map<String, String>> keys = new ConcurrentHashMap<>();
    }

    private final Map<String, Watches> bySession = new ConcurrentHashMap<>();
    private volatile HttpServletStreamableServerTransportProvider transport;

    public void transport(HttpServletStreamableServerTransportProvider t) {
        this.transport = t;
    }

    public SyncResourceTemplateSpecification template() {
        McpSchema.ResourceTemplate t = McpSchema.ResourceTemplate.builder(TEMPLATE, "memory-entry")
                .title("A shared-memory entry")
                .description("The entry of {key} in {namespace} as JSON (value, version, owner, timestamps); "
                        + "percent-encode '/' and other reserved characters in names and keys")
                .mimeType("application/json")
                .build();
        return new SyncResourceTemplateSpecification(t, (exchange, request) -> {
            AgentSession s = MemoryTools.session(exchange);
            String[] nsKey = parse(request.uri());
            Optional<MemoryEntry> e = s.readEntry(nsKey[0], nsKey[1]);
            if (e.isEmpty()) {
                throw McpError.RESOURCE_NOT_FOUND.apply(request.uri());
            }
            return new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(request.uri(),
                    "application/json", Json.write(JsonViews.entry(e.get())))));
        });
    }

    /**
     * Subscribes an MCP session to a URI for the agent.
     *
     * @throws IllegalArgumentException when the URI is not a {@code memory://} one
     * @throws io.sharedmemory.api.SharedMemoryException when the engine refuses (no namespace, no permission)
     */
    public void subscribe(String mcpSession, AgentSession s, String uri) {
        String[] nsKey = parse(uri);
        String ns = nsKey[0];
        Watches w = bySession.computeIfAbsent(mcpSession, id -> new Watches());
        synchronized (w) {
            Subscription existing = w.subscriptions.get(ns);
            if (existing != null && existing.isActive()) {
                s.subscribe(ns, e -> { }).unsubscribe(); // the engine checks the agent again and records it
            } else {
                w.keys.remove(ns);
                w.subscriptions.put(ns, s.subscribe(ns, e -> changed(mcpSession, w, e)));
            }
            w.keys.computeIfAbsent(ns, n -> new ConcurrentHashMap<>()).put(nsKey[1], uri);
        }
    }

    public void unsubscribe(String mcpSession, String uri) {
        String[] nsKey = parse(uri);
        Watches w = bySession.get(mcpSession);
        if (w == null) {
            return;
        }
        synchronized (w) {
            Map<String, String> keys = w.keys.get(nsKey[0]);
            if (keys != null && keys.remove(nsKey[1]) != null && keys.isEmpty()) {
                w.keys.remove(nsKey[0]);
                Subscription sub = w.subscriptions.remove(nsKey[0]);
                if (sub != null) {
                    sub.unsubscribe();
                }
            }
        }
    }

    /** Ends every watch of an MCP session (deleted or expired). */
    public void drop(String mcpSession) {
        Watches w = bySession.remove(mcpSession);
        if (w != null) {
            w.subscriptions.values().forEach(Subscription::unsubscribe);
        }
    }

    public void close() {
        bySession.keySet().forEach(this::drop);
    }

    private void changed(String mcpSession, Watches w, ChangeEvent e) {
        if (e.key() == null || e.action() == ChangeAction.BROADCAST) {
            return;
        }
        Map<String, String> keys = w.keys.get(e.namespace());
        String uri = keys == null ? null : keys.get(e.key());
        HttpServletStreamableServerTransportProvider t = transport;
        if (uri != null && t != null) {
            t.notifyClient(mcpSession, McpSchema.METHOD_NOTIFICATION_RESOURCES_UPDATED,
                    new McpSchema.ResourcesUpdatedNotification(uri)).subscribe(ok -> { }, failed -> { });
        }
    }

    /** @return namespace and key of a {@code memory://namespace/key} URI, percent-decoded */
    static String[] parse(String uri) {
        if (uri == null || !uri.startsWith(SCHEME)) {
            throw new IllegalArgumentException("not a memory:// resource: " + uri);
        }
        String rest = uri.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new IllegalArgumentException("a resource URI is memory://{namespace}/{key}: " + uri);
        }
        try {
            return new String[] {decode(rest.substring(0, slash)), decode(rest.substring(slash + 1))};
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not valid percent-encoding in " + uri);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
