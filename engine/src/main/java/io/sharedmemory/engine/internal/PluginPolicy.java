package io.sharedmemory.engine.internal;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.engine.internal.plugins.PluginSet;
import io.sharedmemory.spi.PermissionProvider;
import java.lang.System.Logger.Level;

/**
 * How the engine treats plugins that are absent or fail: fail closed for permissions (no provider, a provider that
 * throws or answers null: no access), fail visible for the rest (a status, a log line, a counter).
 */
final class PluginPolicy {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");

    private PluginPolicy() {
    }

    /** @return the agent's permission in the namespace; {@link Permission#NONE} when nobody can say */
    static Permission permission(PluginSet p, String namespace, String agentId, NamespaceConfig config) {
        PermissionProvider provider = p.permissionProvider();
        if (provider == null) {
            return Permission.NONE;
        }
        try {
            Permission granted = provider.permission(namespace, agentId, config);
            return granted == null ? Permission.NONE : granted;
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "permission provider " + provider.getClass().getName()
                    + " failed; denying access", e);
            return Permission.NONE;
        }
    }
}
