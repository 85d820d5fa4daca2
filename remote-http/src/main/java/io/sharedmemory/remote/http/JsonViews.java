package io.sharedmemory.remote.http;

import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.WriteResult;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON objects of the remote surfaces, built from the API's types with the API's field names, as JSON-like maps
 * (write them with {@code io.sharedmemory.json.Json}). Times are ISO-8601 instants in UTC ({@code
 * 2026-12-07T10:15:30.123Z}), permissions lower case ({@code "write"}), statuses and actions their enum names
 * ({@code "WRITTEN"}, {@code "WRITE"}). A field with no value is present with {@code null}.
 */
public final class JsonViews {
    private JsonViews() {
    }

    /**
     * @param e an entry
     * @return {@code {"value","version","ownerId","timestamp","metadata","expiresAt"}}
     */
    public static Map<String, Object> entry(MemoryEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", e.value());
        m.put("version", e.version());
        m.put("ownerId", e.ownerId());
        m.put("timestamp", e.timestamp().toString());
        m.put("metadata", e.metadata());
        m.put("expiresAt", e.expiresAt().map(Object::toString).orElse(null));
        return m;
    }

    /**
     * @param e a change
     * @return {@code {"namespace","key","value","agentId","action","version","timestamp"}}
     */
    public static Map<String, Object> event(ChangeEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("namespace", e.namespace());
        m.put("key", e.key());
        m.put("value", e.value());
        m.put("agentId", e.agentId());
        m.put("action", e.action().name());
        m.put("version", e.version());
        m.put("timestamp", e.timestamp().toString());
        return m;
    }

    /**
     * @param r a write's result
     * @return {@code {"status","version","message"}}
     */
    public static Map<String, Object> writeResult(WriteResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", r.status().name());
        m.put("version", r.version());
        m.put("message", r.message());
        return m;
    }

    /**
     * @param e an access-log entry
     * @return {@code {"timestamp","agentId","action","namespace","key","success","error"}}
     */
    public static Map<String, Object> accessLogEntry(AccessLogEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timestamp", e.timestamp().toString());
        m.put("agentId", e.agentId());
        m.put("action", e.action().name());
        m.put("namespace", e.namespace());
        m.put("key", e.key());
        m.put("success", e.success());
        m.put("error", e.error());
        return m;
    }

    /**
     * @param c a namespace's configuration
     * @param withPermissions whether to include the per-agent permissions (only for the namespace's admins: they name
     *        other agents)
     * @return {@code {"defaultPermission","permissions"?,"conflictStrategy","maxEntries","ttlMillis"}}
     */
    public static Map<String, Object> config(NamespaceConfig c, boolean withPermissions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("defaultPermission", permission(c.defaultPermission()));
        if (withPermissions) {
            Map<String, Object> p = new LinkedHashMap<>();
            c.permissions().forEach((agent, perm) -> p.put(agent, permission(perm)));
            m.put("permissions", p);
        }
        m.put("conflictStrategy", c.conflictStrategy());
        m.put("maxEntries", c.maxEntries());
        m.put("ttlMillis", c.ttl().toMillis());
        return m;
    }

    /**
     * @param p a permission
     * @return its name in lower case: {@code none}, {@code read}, {@code write}, {@code admin}
     */
    public static String permission(Permission p) {
        return p.name().toLowerCase(Locale.ROOT);
    }
}
