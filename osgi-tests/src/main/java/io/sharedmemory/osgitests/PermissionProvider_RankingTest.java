package io.sharedmemory.osgitests;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.spi.PermissionProvider;
import java.util.Dictionary;
import java.util.Hashtable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** The highest-ranked permission provider decides, from the very next check; with none the engine fails closed. */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class PermissionProvider_RankingTest {
    private static final String NS = "permissions-it";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    SharedMemory memory;

    @AfterEach
    void restartThePermissionsBundle() throws Exception {
        Bundle permissions = Bundles.bySymbolicName(context, "io.sharedmemory.permissions");
        if (permissions.getState() != Bundle.ACTIVE) {
            permissions.start();
        }
    }

    private Status write(String agent) {
        return memory.write(NS, "k", agent, agent).status();
    }

    @Test
    void aHigherRankedStricterProviderTakesEffectOnTheVeryNextCheck() {
        memory.createNamespace(NS, NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        await().atMost(10, SECONDS).until(() -> write("agent-a") == Status.WRITTEN);

        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, 100);
        ServiceRegistration<PermissionProvider> readOnly = context.registerService(PermissionProvider.class,
                (namespace, agent, config) -> Permission.READ, props);
        try {
            assertEquals(Status.DENIED, write("agent-a"));
            assertEquals("agent-a", memory.read(NS, "k", "agent-a"));
        } finally {
            readOnly.unregister();
        }
        assertEquals(Status.WRITTEN, write("agent-b"));
    }

    @Test
    void aLowerRankedProviderChangesNothing() {
        memory.createNamespace(NS, NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, -100);
        ServiceRegistration<PermissionProvider> nothing = context.registerService(PermissionProvider.class,
                (namespace, agent, config) -> Permission.NONE, props);
        try {
            assertEquals(Status.WRITTEN, write("agent-c"));
        } finally {
            nothing.unregister();
        }
    }

    @Test
    void withNoProviderEveryCheckIsDenied() throws Exception {
        memory.createNamespace(NS, NamespaceConfig.builder().defaultPermission(Permission.ADMIN).build());
        Bundle permissions = Bundles.bySymbolicName(context, "io.sharedmemory.permissions");
        permissions.stop();
        assertEquals(Status.DENIED, write("agent-d"));
        assertNull(memory.<Object>read(NS, "k", "agent-d"));
        permissions.start();
        await().atMost(10, SECONDS).until(() -> write("agent-d") == Status.WRITTEN);
    }
}
