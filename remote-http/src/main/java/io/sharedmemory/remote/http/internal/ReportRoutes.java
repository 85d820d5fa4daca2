package io.sharedmemory.remote.http.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.MemoryStats;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.remote.http.AgentViews;
import io.sharedmemory.remote.http.JsonViews;
import io.sharedmemory.remote.http.OperationCounters;
import io.sharedmemory.remote.http.PluginCatalog;
import io.sharedmemory.remote.http.PluginInfo;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an agent may see of the whole memory: who it is, the namespaces, the access log, the figures, the plugins.
 * Figures of namespaces (sizes, operation counts) are those of the namespaces the agent may read; the plugins are the
 * platform's and shown to every agent (they name no agent and no namespace).
 */
final class ReportRoutes {
    private final SharedMemory memory;
    private final OperationCounters counters;
    private final PluginCatalog catalog;

    ReportRoutes(SharedMemory memory, OperationCounters counters, PluginCatalog catalog) {
        this.memory = memory;
        this.counters = counters;
        this.catalog = catalog;
    }

    /** {@code GET /v1/namespaces}: each with the agent's permission, the configuration and the size. */
    Map<String, Object> namespaces(AgentSession s) {
        Map<String, Long> sizes = new HashMap<>();
        for (MemoryStats.NamespaceStats n : memory.getStats().namespaceDetails()) {
            sizes.put(n.name(), n.entries());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> n : AgentViews.namespaces(memory, s)) {
            String name = (String) n.get("name");
            Optional<NamespaceConfig> c = memory.getNamespaceConfig(name);
            if (c.isEmpty()) {
                continue; // deleted meanwhile
            }
            Map<String, Object> m = new LinkedHashMap<>(n);
            m.put("config", JsonViews.config(c.get(), "admin".equals(n.get("permission"))));
            m.put("entries", sizes.getOrDefault(name, 0L));
            out.add(m);
        }
        return Map.of("namespaces", out);
    }

    /** {@code GET /v1/whoami} */
    Map<String, Object> whoami(AgentSession s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agentId", s.agentId());
        out.put("expiresAt", s.expiresAt().toString());
        out.put("namespaces", AgentViews.namespaces(memory, s));
        return out;
    }

    /** {@code GET /v1/access-log} */
    Map<String, Object> accessLog(HttpServletRequest req, AgentSession s) {
        Requests.onlyParams(req, Set.of("agentId", "namespace", "action", "success", "limit"));
        int limit = Requests.intParam(req, "limit", 100, 1, 10_000);
        AccessLogQuery.Builder q = AccessLogQuery.builder()
                .agentId(Replies.emptyToNull(Requests.param(req, "agentId")))
                .namespace(Replies.emptyToNull(Requests.param(req, "namespace")));
        String action = Replies.emptyToNull(Requests.param(req, "action"));
        if (action != null) {
            try {
                q.action(AccessAction.valueOf(action.strip().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("unknown action \"" + action + "\": expected one of "
                        + java.util.Arrays.toString(AccessAction.values()));
            }
        }
        String success = Replies.emptyToNull(Requests.param(req, "success"));
        if (success != null) {
            if (!success.equals("true") && !success.equals("false")) {
                throw ApiException.badRequest("the query parameter \"success\" must be true or false");
            }
            q.success(Boolean.valueOf(success));
        }
        return Map.of("entries", AgentViews.readableAccessLog(memory, s, q.build(), limit));
    }

    /** {@code GET /v1/stats} */
    Map<String, Object> stats(AgentSession s) {
        MemoryStats stats = memory.getStats();
        Map<String, OperationCounters.Totals> totals = counters == null ? Map.of()
                : counters.totals(ns -> s.permission(ns).implies(Permission.READ));
        List<Map<String, Object>> details = new ArrayList<>();
        long entries = 0;
        int subscriptions = 0;
        for (MemoryStats.NamespaceStats n : stats.namespaceDetails()) {
            Permission p = s.permission(n.name());
            if (!p.implies(Permission.READ)) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.put("entries", n.entries());
            m.put("conflictStrategy", n.conflictStrategy());
            m.put("subscriptions", n.subscriptions());
            m.put("permission", JsonViews.permission(p));
            if (counters != null) {
                OperationCounters.Totals t = totals.getOrDefault(n.name(), OperationCounters.Totals.NONE);
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("reads", t.reads());
                o.put("writes", t.writes());
                o.put("refusals", t.refusals());
                m.put("operations", o);
            }
            details.add(m);
            entries += n.entries();
            subscriptions += n.subscriptions();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("namespaces", details.size());
        out.put("totalEntries", entries);
        out.put("subscriptions", subscriptions);
        out.put("namespaceDetails", details);
        out.put("operations", counters == null ? null
                : operations(counters.window(ns -> s.permission(ns).implies(Permission.READ))));
        return out;
    }

    private static Map<String, Object> operations(OperationCounters.Window w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intervalMillis", w.interval().toMillis());
        m.put("end", w.end().toString());
        m.put("reads", w.reads());
        m.put("writes", w.writes());
        m.put("refusals", w.refusals());
        return m;
    }

    /** {@code GET /v1/plugins} */
    Map<String, Object> plugins() {
        if (catalog == null) {
            throw ApiException.notFound("this server lists no plugins: its HTTP API was mounted without a plugin "
                    + "catalog");
        }
        List<PluginInfo> all = catalog.plugins();
        MemoryStats stats = memory.getStats();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("strategies", views(all, PluginInfo.Kind.STRATEGY));
        out.put("permissionProviders", views(all, PluginInfo.Kind.PERMISSION_PROVIDER));
        out.put("auditSinks", views(all, PluginInfo.Kind.AUDIT_SINK));
        out.put("authenticators", views(all, PluginInfo.Kind.AUTHENTICATOR));
        out.put("stores", views(all, PluginInfo.Kind.STORE));
        boolean clustered = all.stream().anyMatch(p -> p.kind() == PluginInfo.Kind.STORE && p.inUse()
                && p.capabilities() != null && p.capabilities().contains("SHARED"));
        out.put("store", new LinkedHashMap<>(stats.store()));
        out.put("clustered", clustered);
        out.put("auditFailures", stats.auditFailures());
        return out;
    }

    private static List<Map<String, Object>> views(List<PluginInfo> all, PluginInfo.Kind kind) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PluginInfo p : all) {
            if (p.kind() != kind) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            if (kind == PluginInfo.Kind.STRATEGY || kind == PluginInfo.Kind.STORE) {
                m.put("name", p.name());
            }
            m.put("ranking", p.ranking());
            m.put("serviceId", p.serviceId());
            if (p.bundle() == null) {
                m.put("bundle", null);
            } else {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("symbolicName", p.bundle());
                b.put("version", p.bundleVersion());
                b.put("id", p.bundleId());
                m.put("bundle", b);
            }
            m.put("component", p.component());
            m.put("inUse", p.inUse());
            if (kind == PluginInfo.Kind.STORE) {
                m.put("capabilities", p.capabilities() == null ? null
                        : p.capabilities().stream().sorted().toList());
            }
            out.add(m);
        }
        return out;
    }
}
