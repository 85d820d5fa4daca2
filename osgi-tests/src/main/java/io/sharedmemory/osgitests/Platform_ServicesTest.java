package io.sharedmemory.osgitests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.spi.AccessLog;
import io.sharedmemory.spi.AuditSink;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;
import org.osgi.test.junit5.service.ServiceExtension;

/** The platform as deployed: the engine is a service and every built-in plugin is active. */
@ExtendWith(ServiceExtension.class)
public class Platform_ServicesTest {
    @Test
    void theEngineIsASharedMemoryService(@InjectService(timeout = 10_000) SharedMemory memory) {
        memory.createNamespace("platform-it");
        assertTrue(memory.getNamespaces().contains("platform-it"));
    }

    @Test
    void everyBuiltInStrategyIsRegistered(
            @InjectService(timeout = 10_000, cardinality = 5) ServiceAware<ConflictStrategy> strategies) {
        List<Object> names = strategies.getServiceReferences().stream()
                .map(r -> r.getProperty(ConflictStrategy.NAME_PROPERTY)).toList();
        assertTrue(names.containsAll(List.of("latest-wins", "first-wins", "merge", "version", "custom")),
                names::toString);
    }

    @Test
    void theDefaultPermissionProviderAndBothAuditSinksAreActive(
            @InjectService(timeout = 10_000) ServiceAware<PermissionProvider> providers,
            @InjectService(timeout = 10_000, cardinality = 2) ServiceAware<AuditSink> sinks,
            @InjectService(timeout = 10_000) ServiceAware<AccessLog> logs) {
        assertTrue(providers.getServiceReferences().stream()
                .anyMatch(r -> "io.sharedmemory.permissions".equals(r.getBundle().getSymbolicName())));
        List<Object> sinkComponents = sinks.getServiceReferences().stream()
                .map(r -> r.getProperty("component.name")).toList();
        assertTrue(sinkComponents.containsAll(List.of("io.sharedmemory.audit.internal.InMemoryAccessLog",
                "io.sharedmemory.audit.internal.FileAuditSinkComponent")), sinkComponents::toString);
        assertFalse(logs.getServiceReferences().isEmpty());
    }
}
