package io.sharedmemory.remote.http;

import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.remote.http.internal.NameRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one agent may see of the memory beyond its entries — the namespaces and its permission in each, the access log
 * restricted to namespaces it may read — and why the engine refused one of its operations; shared by the HTTP API and
 * the MCP server so that both answer alike. Permissions are asked through the agent's session
 * ({@link AgentSession#permission}), as the engine checks them.
 */
public final class AgentViews {
    private AgentViews() {
    }

    /**
     * Why an operation was refused, with the HTTP status that says it.
     *
     * @param status 401 (the session ended), 422 (a name out of the limits), 404 (no such namespace), 403 (too little
     *        permission)
     * @param error a short code: {@code unauthenticated}, {@code invalid}, {@code not_found}, {@code forbidden}
     * @param message a sentence for a person
     */
    public record Refusal(int status, String error, String message) {
    }

    /**
     * @param memory the memory
     * @param s the agent's session
     * @return the namespaces where the agent has some permission, sorted, each {@code {"name","permission"}}
     */
    public static List<Map<String, Object>> namespaces(SharedMemory memory, AgentSession s) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String name : memory.getNamespaces()) {
            Permission p = s.permission(name);
            if (p != Permission.NONE) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", name);
                m.put("permission", JsonViews.permission(p));
                out.add(m);
            }
        }
        return out;
    }

    /**
     * @param memory the memory
     * @param s the agent's session
     * @param query the filter (its limit is ignored: {@code limit} applies after the visibility filter)
     * @param limit the most entries
     * @return the newest {@code limit} matching entries the agent may see — those of namespaces it may read now, and
     *         its own entries that name no namespace — oldest first, as {@link JsonViews#accessLogEntry}
     */
    public static List<Map<String, Object>> readableAccessLog(SharedMemory memory, AgentSession s,
                                                             AccessLogQuery query, int limit) {
        List<AccessLogEntry> all = memory.getAccessLog(query);
        Map<String, Boolean> readable = new HashMap<>();
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
            AccessLogEntry e = all.get(i);
            boolean visible = e.namespace() == null ? s.agentId().equals(e.agentId())
                    : readable.computeIfAbsent(e.namespace(), ns -> s.permission(ns).implies(Permission.READ));
            if (visible) {
                out.add(JsonViews.accessLogEntry(e));
            }
        }
        Collections.reverse(out);
        return out;
    }

    /**
     * Says why the engine refused an operation of the agent (it returned false, null or empty), from facts the caller
     * may know: the session ended, a name out of the documented limits, no such namespace, too little permission.
     *
     * @param memory the memory
     * @param s the agent's session
     * @param namespace the namespace of the operation
     * @param key its key, or null
     * @param needed the permission the operation needs
     * @param what the operation in words ("read", "delete", ...)
     * @return the refusal, or empty when none of these holds (for a read or delete: the key is missing or expired)
     */
    public static Optional<Refusal> whyNot(SharedMemory memory, AgentSession s, String namespace, String key,
                                           Permission needed, String what) {
        if (!s.isOpen()) {
            return Optional.of(new Refusal(401, "unauthenticated", "the session of this token ended (expired or "
                    + "revoked)"));
        }
        String bad = NameRules.checkName("the namespace name", namespace);
        if (bad == null && key != null) {
            bad = NameRules.checkKey(key);
        }
        if (bad != null) {
            return Optional.of(new Refusal(422, "invalid", bad));
        }
        Optional<NamespaceConfig> config = memory.getNamespaceConfig(namespace);
        if (config.isEmpty()) {
            return Optional.of(new Refusal(404, "not_found", "namespace \"" + namespace + "\" does not exist"));
        }
        if (!s.permission(namespace).implies(needed)) {
            return Optional.of(new Refusal(403, "forbidden", s.agentId() + " may not " + what + " "
                    + (key == null ? "" : "\"" + key + "\" in ") + "namespace \"" + namespace + "\" (needs "
                    + JsonViews.permission(needed) + ")"));
        }
        return Optional.empty();
    }
}
