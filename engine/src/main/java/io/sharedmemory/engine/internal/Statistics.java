package io.sharedmemory.engine.internal;

import io.sharedmemory.api.MemoryStats;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.spi.AccessLog;
import io.sharedmemory.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Sizes and counts, per namespace and in all, and what the store says of itself. */
final class Statistics {
    private final Core core;

    Statistics(Core core) {
        this.core = core;
    }

    MemoryStats stats() {
        long now = core.millisAt(System.nanoTime());
        List<MemoryStats.NamespaceStats> details = new ArrayList<>();
        long total = 0;
        int subs = 0;
        List<Namespace> all = new ArrayList<>(core.namespaces.values());
        all.sort((a, b) -> a.name.compareTo(b.name));
        for (Namespace ns : all) {
            long live;
            try {
                if (ns.mayExpire) {
                    long[] n = new long[1];
                    ns.table.forEach((k, e) -> {
                        if (!e.isExpiredAt(now)) {
                            n[0]++;
                        }
                    });
                    live = n[0];
                } else {
                    live = ns.table.size();
                }
            } catch (StoreException e) {
                live = 0;
            }
            NamespaceConfig c = ns.config;
            int s = ns.subscribers.size();
            details.add(new MemoryStats.NamespaceStats(ns.name, live, c.defaultPermission(), c.permissions(),
                    c.conflictStrategy(), s));
            total += live;
            subs += s;
        }
        AccessLog log = core.plugins().accessLog();
        Map<String, String> store;
        try {
            store = core.store.describe();
        } catch (RuntimeException e) {
            store = Map.of("store", core.store.name(), "state", "cannot describe itself: " + e);
        }
        return new MemoryStats(details.size(), total, log == null ? 0 : log.size(), subs, core.hub.listeners(),
                core.audit.failures(), details, store);
    }
}
