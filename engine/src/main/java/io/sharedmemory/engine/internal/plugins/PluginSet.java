package io.sharedmemory.engine.internal.plugins;

import io.sharedmemory.spi.AccessLog;
import io.sharedmemory.spi.AgentAuthenticator;
import io.sharedmemory.spi.AuditSink;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import java.util.List;
import java.util.Map;

/**
 * The plugins present at one moment: an immutable snapshot the engine reads once per operation, so that an operation
 * sees one consistent set even while plugins come and go.
 *
 * @param strategies name → the winning strategy of that name
 * @param strategyOrigins name → where it comes from (a bundle, "ServiceLoader", "explicit"), for operators
 * @param permissionProvider the winning provider, or null (then every check is denied)
 * @param auditSinks every sink, in ranking order
 * @param accessLog the queryable log that answers queries, or null
 * @param authenticator the winning authenticator, or null (then every session request is refused)
 */
public record PluginSet(Map<String, ConflictStrategy> strategies, Map<String, String> strategyOrigins,
                        PermissionProvider permissionProvider, AuditSink[] auditSinks, AccessLog accessLog,
                        AgentAuthenticator authenticator) {
    /** No plugins at all. */
    public static final PluginSet EMPTY = new PluginSet(Map.of(), Map.of(), null, new AuditSink[0], null, null);

    public PluginSet {
        strategies = Map.copyOf(strategies);
        strategyOrigins = Map.copyOf(strategyOrigins);
        auditSinks = auditSinks.clone();
    }

    public List<AuditSink> sinks() {
        return List.of(auditSinks);
    }
}
