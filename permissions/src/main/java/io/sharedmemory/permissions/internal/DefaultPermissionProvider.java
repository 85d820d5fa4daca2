package io.sharedmemory.permissions.internal;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.spi.PermissionProvider;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * The specification's permission model: an agent's override in {@link NamespaceConfig#permissions()} when it has one,
 * else {@link NamespaceConfig#defaultPermission()}. Ranked 0, so any provider registered with a higher
 * {@code service.ranking} (or {@link #ranking()} outside OSGi) takes its place.
 */
@Component(service = PermissionProvider.class, property = "service.ranking:Integer=0")
public final class DefaultPermissionProvider implements PermissionProvider {
    /** Creates the provider; it is stateless. */
    public DefaultPermissionProvider() {
    }

    @Override
    public Permission permission(String namespace, String agentId, NamespaceConfig config) {
        if (config == null || agentId == null) {
            // fail closed: without a configuration or an agent there is nothing to grant on
            return Permission.NONE;
        }
        Map<String, Permission> overrides = config.permissions();
        // most namespaces have no overrides: spare the lookup on every check
        Permission override = overrides.isEmpty() ? null : overrides.get(agentId);
        return override != null ? override : config.defaultPermission();
    }

    @Override
    public int ranking() {
        return 0;
    }

    @Override
    public String toString() {
        return "DefaultPermissionProvider";
    }
}
