package io.sharedmemory.api;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of the memory's size and activity, from {@link SharedMemory#getStats()}. Counts taken while other threads
 * work are each exact at some instant during the call, not necessarily the same instant.
 *
 * @param namespaces how many namespaces exist
 * @param totalEntries live entries over all namespaces (entries past their deadline that the sweeper has not removed yet
 *        are not counted)
 * @param totalAccessLogs entries held by the queryable access log (at most its {@code maxLogSize})
 * @param subscriptions active subscriptions
 * @param listeners active {@code on(...)} registrations
 * @param auditFailures how many times an audit sink threw while recording (fail visible: each is also logged)
 * @param namespaceDetails one record per namespace, sorted by name
 * @param store what the memory's store says of itself, label → value in a stable order (its name, durability,
 *        sizes; see {@link io.sharedmemory.store.MemoryStore#describe()}); empty when unknown
 */
public record MemoryStats(int namespaces, long totalEntries, long totalAccessLogs, int subscriptions, int listeners,
                          long auditFailures, List<NamespaceStats> namespaceDetails, Map<String, String> store) {

    /** Copies the details and the store's facts into unmodifiable collections (the facts keep their order). */
    public MemoryStats {
        namespaceDetails = List.copyOf(namespaceDetails);
        store = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(store));
    }

    /**
     * The figures without the store's facts (as before version 1.1).
     *
     * @param namespaces how many namespaces exist
     * @param totalEntries live entries over all namespaces
     * @param totalAccessLogs entries held by the queryable access log
     * @param subscriptions active subscriptions
     * @param listeners active registrations
     * @param auditFailures how many times an audit sink threw
     * @param namespaceDetails one record per namespace
     */
    public MemoryStats(int namespaces, long totalEntries, long totalAccessLogs, int subscriptions, int listeners,
                       long auditFailures, List<NamespaceStats> namespaceDetails) {
        this(namespaces, totalEntries, totalAccessLogs, subscriptions, listeners, auditFailures, namespaceDetails,
                Map.of());
    }

    /**
     * The figures of one namespace.
     *
     * @param name the namespace
     * @param entries its live entries
     * @param defaultPermission the permission of agents without an override
     * @param permissions its per-agent overrides
     * @param conflictStrategy the name of its strategy
     * @param subscriptions its active subscriptions
     */
    public record NamespaceStats(String name, long entries, Permission defaultPermission,
                                 Map<String, Permission> permissions, String conflictStrategy, int subscriptions) {
        /** Copies the permissions into an unmodifiable map. */
        public NamespaceStats {
            permissions = Map.copyOf(permissions);
        }
    }
}
