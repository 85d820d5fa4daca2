package io.sharedmemory.remote.http;

import java.util.Objects;
import java.util.Set;

/**
 * One plugin as operators see it.
 *
 * @param kind what it is
 * @param name a conflict strategy's or a store's name; null for the other kinds
 * @param ranking its {@code service.ranking} (0 when unset): the highest wins where one is chosen
 * @param serviceId its {@code service.id}, or -1 outside OSGi (the lower wins ties of ranking)
 * @param bundle the symbolic name of the bundle that registered it, or null
 * @param bundleVersion that bundle's version, or null
 * @param bundleId that bundle's id, or -1
 * @param component its Declarative Services component name (or class), or null
 * @param inUse whether the memory uses it now: a strategy that is the best of its name, the best permission provider
 *        and authenticator, every audit sink, the store the memory is configured with
 * @param capabilities a store's capabilities ({@code DURABLE}, {@code SHARED}, {@code LOCAL_STEP}); empty for the
 *        other kinds; null when not known (a store not in use is not asked, so that nothing starts it)
 */
public record PluginInfo(Kind kind, String name, int ranking, long serviceId, String bundle, String bundleVersion,
                         long bundleId, String component, boolean inUse, Set<String> capabilities) {
    /** The kinds of plugins, as {@code GET /v1/plugins} groups them. */
    public enum Kind {
        /** {@code io.sharedmemory.spi.ConflictStrategy} */
        STRATEGY,
        /** {@code io.sharedmemory.spi.PermissionProvider} */
        PERMISSION_PROVIDER,
        /** {@code io.sharedmemory.spi.AuditSink} */
        AUDIT_SINK,
        /** {@code io.sharedmemory.spi.AgentAuthenticator} */
        AUTHENTICATOR,
        /** {@code io.sharedmemory.store.MemoryStore}, and the engine's built-in {@code memory} store */
        STORE
    }

    /** Checks the kind; copies the capabilities. */
    public PluginInfo {
        Objects.requireNonNull(kind, "kind");
        capabilities = capabilities == null ? null : Set.copyOf(capabilities);
    }
}
