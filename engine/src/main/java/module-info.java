/**
 * The sharedmemory engine: the implementation of {@link io.sharedmemory.api.SharedMemory}. Exports nothing; found by
 * {@link java.util.ServiceLoader} outside OSGi and registered as a Declarative Services component inside.
 */
module io.sharedmemory.engine {
    requires io.sharedmemory.api;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.service.metatype.annotations;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    uses io.sharedmemory.spi.ConflictStrategy;
    uses io.sharedmemory.spi.PermissionProvider;
    uses io.sharedmemory.spi.AuditSink;
    uses io.sharedmemory.spi.AgentAuthenticator;

    provides io.sharedmemory.spi.SharedMemoryProvider with io.sharedmemory.engine.internal.EngineProvider;
}
