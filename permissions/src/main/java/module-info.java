/**
 * The default {@code PermissionProvider}: the agent's override in the namespace, else the namespace's default. Nothing
 * is exported: it is found as a service (Declarative Services inside OSGi, {@link java.util.ServiceLoader} outside).
 */
module io.sharedmemory.permissions {
    requires io.sharedmemory.api;
    requires static org.osgi.service.component.annotations;

    provides io.sharedmemory.spi.PermissionProvider with
            io.sharedmemory.permissions.internal.DefaultPermissionProvider;
}
