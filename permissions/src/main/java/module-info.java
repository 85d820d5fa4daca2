/**
 * The default {@code PermissionProvider} (the agent's override in the namespace, else the namespace's default), found
 * as a service (Declarative Services inside OSGi, {@link java.util.ServiceLoader} outside); and agent authentication
 * (exported package {@code io.sharedmemory.permissions}: secret hashes and a configured {@code AgentAuthenticator}).
 */
module io.sharedmemory.permissions {
    requires io.sharedmemory.api;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.service.metatype.annotations;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    exports io.sharedmemory.permissions;

    provides io.sharedmemory.spi.PermissionProvider with
            io.sharedmemory.permissions.internal.DefaultPermissionProvider;
}
