package io.sharedmemory.osgitests;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.api.WriteResult.Status;
import java.io.File;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The third-party example strategy, installed while the engine runs as an operator would ({@code start file:...}):
 * a namespace configured for it works; uninstalled, writes there are refused with STRATEGY_UNAVAILABLE.
 */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class ExampleStrategy_InstallTest {
    private static final String NS = "scores-it";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    SharedMemory memory;

    @Test
    void maxValueInstalledAtRuntimeWorksAndUninstalledIsUnavailable() throws Exception {
        String jar = context.getProperty("sharedmemory.examples.jar");
        assertNotNull(jar, "the test bndrun passes the example bundle's path as sharedmemory.examples.jar");
        memory.createNamespace(NS, NamespaceConfig.builder().conflictStrategy("max-value")
                .defaultPermission(Permission.WRITE).build());

        Bundle example = context.installBundle(new File(jar).toURI().toString());
        try {
            example.start();
            assertEquals(Status.WRITTEN, memory.write(NS, "best", 5, "player-1").status());
            await().atMost(10, SECONDS).until(() -> memory.write(NS, "best", 7, "player-2").isWritten());

            WriteResult lower = memory.write(NS, "best", 3, "player-3");
            assertEquals(Status.REJECTED, lower.status());
            assertTrue(lower.message().contains("max-value keeps 7"), lower::message);
            WriteResult notANumber = memory.write(NS, "best", "ten", "player-3");
            assertEquals(Status.REJECTED, notANumber.status());
            assertTrue(notANumber.message().contains("only numbers"), notANumber::message);
            assertEquals(Status.WRITTEN, memory.write(NS, "best", 9.5, "player-4").status());
        } finally {
            example.uninstall();
        }

        WriteResult refused = memory.write(NS, "best", 100, "player-5");
        assertEquals(Status.STRATEGY_UNAVAILABLE, refused.status(), refused::toString);
        assertEquals(9.5, ((Number) memory.read(NS, "best", "player-5")).doubleValue());
    }
}
