package io.sharedmemory.spi;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides the effective {@link Permission} of an agent in a namespace.
 *
 * <h2>Contract</h2>
 * Called on every operation that needs a permission, from any thread, concurrently: be fast, thread-safe and free of
 * engine state (everything the engine knows of the namespace is in {@code config}, including the permissions set by
 * {@code updatePermissions}). Returning null, or throwing, counts as {@link Permission#NONE}: the engine fails closed.
 *
 * <h2>Finding it</h2>
 * Only one provider is consulted: inside OSGi the {@code PermissionProvider} service with the highest
 * {@code service.ranking} (ties: the lowest {@code service.id}); registering a higher-ranked one takes effect on the very
 * next check, and with none registered every check is denied. Outside OSGi the one given to
 * {@link io.sharedmemory.api.SharedMemoryOptions.Builder#plugin(Object)}, else the one with the highest
 * {@link #ranking()} found by {@link java.util.ServiceLoader}.
 */
@ConsumerType
public interface PermissionProvider {
    /**
     * @param namespace the namespace
     * @param agentId the agent
     * @param config the namespace's configuration: default permission and per-agent overrides
     * @return the agent's permission; never more than the provider means to grant
     */
    Permission permission(String namespace, String agentId, NamespaceConfig config);

    /**
     * @return this provider's ranking outside OSGi when several are found by {@link java.util.ServiceLoader} (inside
     *         OSGi the {@code service.ranking} property is used instead); the highest wins
     */
    default int ranking() {
        return 0;
    }
}
