package io.sharedmemory.remote.http.internal;

import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.remote.http.JsonViews;
import io.sharedmemory.remote.http.RemoteSettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The namespace routes: create or reconfigure, view, delete, clear, permissions. */
final class NamespaceRoutes {
    private static final Set<String> CONFIG_FIELDS = Set.of("defaultPermission", "permissions", "conflictStrategy",
            "maxEntries", "ttlMillis");

    private final SharedMemory memory;
    private final RemoteSettings settings;

    NamespaceRoutes(SharedMemory memory, RemoteSettings settings) {
        this.memory = memory;
        this.settings = settings;
    }

    /** {@code GET|DELETE /v1/namespaces/{ns}} */
    void namespace(HttpServletRequest req, HttpServletResponse resp, AgentSession s, String ns) throws IOException {
        Requests.onlyParams(req, Set.of());
        if (Replies.allow(req, "GET", "DELETE").equals("GET")) {
            Replies.reply(resp, 200, namespaceView(s, ns));
        } else {
            if (!s.deleteNamespace(ns)) {
                throw Replies.whyNot(memory, s, ns, null, Permission.ADMIN, "delete");
            }
            Replies.reply(resp, 200, Map.of("namespace", ns, "deleted", true));
        }
    }

    /** {@code POST /v1/namespaces/{ns}/clear} */
    void clear(HttpServletRequest req, HttpServletResponse resp, AgentSession s, String ns) throws IOException {
        Replies.allow(req, "POST");
        Requests.onlyParams(req, Set.of());
        if (!s.clearNamespace(ns)) {
            throw Replies.whyNot(memory, s, ns, null, Permission.ADMIN, "clear");
        }
        Replies.reply(resp, 200, Map.of("namespace", ns, "cleared", true));
    }

    /** {@code GET|PUT /v1/namespaces/{ns}/permissions} */
    void permissions(HttpServletRequest req, HttpServletResponse resp, AgentSession s, String ns) throws IOException {
        if (Replies.allow(req, "GET", "PUT").equals("GET")) {
            Requests.onlyParams(req, Set.of());
            Replies.reply(resp, 200, permissionsView(s, ns));
        } else {
            updatePermissions(req, resp, s, ns);
        }
    }

    /** {@code POST /v1/namespaces} */
    void create(HttpServletRequest req, HttpServletResponse resp, AgentSession s)
            throws IOException {
        Requests.onlyParams(req, Set.of());
        Map<String, Object> body = Requests.jsonObject(req, settings.maxBodyBytes());
        Requests.only(body, "the body", Set.of("name", "config"));
        String name = Requests.string(body, "name", true);
        Map<String, Object> c = Requests.object(body, "config");
        NamespaceConfig config = config(c == null ? Map.of() : c);
        boolean created;
        try {
            created = s.createNamespace(name, config);
        } catch (AccessDeniedException e) {
            if (!s.isOpen()) {
                throw Replies.unauthenticated(e.getMessage(), true);
            }
            throw ApiException.forbidden("namespace \"" + name + "\" exists and " + s.agentId()
                    + " is not its admin: only an admin may reconfigure it");
        }
        Replies.reply(resp, created ? 201 : 200, namespaceView(s, name));
    }

    private static NamespaceConfig config(Map<String, Object> c) {
        Requests.only(c, "\"config\"", CONFIG_FIELDS);
        NamespaceConfig.Builder b = NamespaceConfig.builder();
        try {
            if (c.containsKey("defaultPermission")) {
                String p = Requests.string(c, "defaultPermission", false);
                b.defaultPermission(p == null ? Permission.NONE : Permission.parse(p));
            }
            Map<String, Object> perms = Requests.object(c, "permissions");
            if (perms != null) {
                b.permissions(permissions(perms));
            }
            String strategy = Requests.string(c, "conflictStrategy", false);
            if (strategy != null) {
                b.conflictStrategy(strategy);
            }
            b.maxEntries((int) Requests.integer(c, "maxEntries", 0, Integer.MIN_VALUE, Integer.MAX_VALUE));
            b.ttl(Duration.ofMillis(Requests.integer(c, "ttlMillis", 0, Long.MIN_VALUE, Long.MAX_VALUE)));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        return b.build();
    }

    private static Map<String, Permission> permissions(Map<String, Object> body) {
        Map<String, Permission> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : body.entrySet()) {
            if (!(e.getValue() instanceof String p)) {
                throw ApiException.badRequest("the permission of \"" + e.getKey() + "\" must be a string (none, read,"
                        + " write, admin), not " + Requests.describe(e.getValue()));
            }
            String bad = NameRules.checkName("the agent id \"" + e.getKey() + "\"", e.getKey());
            if (bad != null) {
                throw ApiException.invalid(bad);
            }
            try {
                out.put(e.getKey(), Permission.parse(p));
            } catch (IllegalArgumentException x) {
                throw ApiException.invalid(x.getMessage());
            }
        }
        return out;
    }

    private Map<String, Object> namespaceView(AgentSession s, String ns) {
        Optional<NamespaceConfig> c = memory.getNamespaceConfig(ns);
        Permission p = s.permission(ns);
        if (c.isEmpty() || p == Permission.NONE) {
            throw Replies.whyNot(memory, s, ns, null, Permission.READ, "see");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", ns);
        out.put("permission", JsonViews.permission(p));
        out.put("config", JsonViews.config(c.get(), p == Permission.ADMIN));
        return out;
    }

    private Map<String, Object> permissionsView(AgentSession s, String ns) {
        Optional<NamespaceConfig> c = memory.getNamespaceConfig(ns);
        if (c.isEmpty() || s.permission(ns) != Permission.ADMIN) {
            throw Replies.whyNot(memory, s, ns, null, Permission.ADMIN, "see the permissions of");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("namespace", ns);
        out.put("defaultPermission", JsonViews.permission(c.get().defaultPermission()));
        out.put("permissions", JsonViews.config(c.get(), true).get("permissions"));
        return out;
    }

    private void updatePermissions(HttpServletRequest req, HttpServletResponse resp, AgentSession s, String ns)
            throws IOException {
        Requests.onlyParams(req, Set.of());
        Map<String, Permission> changes = permissions(Requests.jsonObject(req, settings.maxBodyBytes()));
        if (!s.updatePermissions(ns, changes)) {
            throw Replies.whyNot(memory, s, ns, null, Permission.ADMIN, "change the permissions of");
        }
        Replies.reply(resp, 200, permissionsView(s, ns));
    }
}
