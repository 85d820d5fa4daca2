package io.sharedmemory.osgitests;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Namespaces declared as Config Admin factory configurations: created with the declared permissions, changed (data
 * kept) when the configuration changes, and the engine's own settings changed without a restart.
 */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class ConfigAdmin_NamespaceTest {
    @InjectService(timeout = 10_000)
    SharedMemory memory;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    private static Dictionary<String, Object> props(Object... keyValues) {
        Dictionary<String, Object> d = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            d.put((String) keyValues[i], keyValues[i + 1]);
        }
        return d;
    }

    @Test
    void aDeclaredNamespaceExistsWithItsPermissionsAndAChangeKeepsItsData() throws Exception {
        Configuration c = configAdmin.getFactoryConfiguration("io.sharedmemory.namespace", "declared-it", "?");
        try {
            c.update(props("permissions", new String[] {"planner=admin", "worker=write"},
                    "conflictStrategy", "merge", "maxEntries", 50));
            // no name property: a named factory configuration names its namespace
            await().atMost(10, SECONDS).until(() -> memory.getNamespaceConfig("declared-it").isPresent());
            NamespaceConfig declared = memory.getNamespaceConfig("declared-it").orElseThrow();
            assertEquals(Map.of("planner", Permission.ADMIN, "worker", Permission.WRITE), declared.permissions());
            assertEquals(Permission.READ, declared.defaultPermission());
            assertEquals("merge", declared.conflictStrategy());
            assertEquals(50, declared.maxEntries());
            assertEquals(true, memory.write("declared-it", "plan", Map.of("step", 1), "worker").isWritten());
            assertEquals(false, memory.write("declared-it", "plan", Map.of("step", 2), "visitor").isWritten());

            c.update(props("permissions", "planner=admin,worker=read,auditor=read", "defaultPermission", "none",
                    "conflictStrategy", "first-wins", "ttlMillis", "3600000"));
            await().atMost(10, SECONDS).until(() -> memory.getNamespaceConfig("declared-it")
                    .map(NamespaceConfig::conflictStrategy).equals(Optional.of("first-wins")));
            NamespaceConfig changed = memory.getNamespaceConfig("declared-it").orElseThrow();
            assertEquals(Permission.NONE, changed.defaultPermission());
            assertEquals(Permission.READ, changed.permissions().get("worker"));
            assertEquals(Duration.ofHours(1), changed.ttl());
            assertEquals(Map.of("step", 1), memory.read("declared-it", "plan", "auditor"), "the data is kept");
            assertEquals(false, memory.write("declared-it", "plan2", 1, "worker").isWritten());

            // a bad value changes nothing and is logged with the configuration's PID; the next good one applies
            try (LogCapture log = LogCapture.of("io.sharedmemory.config.internal.NamespaceDeclaration")) {
                c.update(props("permissions", "planner=superuser"));
                log.awaitMessage(c.getPid(), "not applied, nothing changed", "superuser");
            }
            assertEquals(changed, memory.getNamespaceConfig("declared-it").orElseThrow());
            c.update(props("permissions", "planner=admin", "maxEntries", 7));
            await().atMost(10, SECONDS).until(() -> memory.getNamespaceConfig("declared-it")
                    .map(NamespaceConfig::maxEntries).equals(Optional.of(7)));
        } finally {
            c.delete();
        }
        assertEquals(Map.of("step", 1), memory.read("declared-it", "plan", "planner"),
                "deleting the configuration keeps the namespace and its data");
    }

    @Test
    void aRestartedEngineGetsItsDeclaredNamespacesBack(
            @InjectBundleContext BundleContext context,
            @InjectService(timeout = 10_000) ServiceAware<SharedMemory> engines) throws Exception {
        Configuration c = configAdmin.getFactoryConfiguration("io.sharedmemory.namespace", "redeclared-it", "?");
        Bundle engine = Bundles.bySymbolicName(context, "io.sharedmemory.engine");
        try {
            c.update(props("defaultPermission", "write"));
            await().atMost(10, SECONDS).until(() -> memory.getNamespaceConfig("redeclared-it").isPresent());
            engine.stop();
            engine.start();
            SharedMemory restarted = engines.waitForService(10_000);
            await().atMost(10, SECONDS).until(() -> restarted.getNamespaceConfig("redeclared-it")
                    .map(NamespaceConfig::defaultPermission).equals(Optional.of(Permission.WRITE)));
        } finally {
            if (engine.getState() != Bundle.ACTIVE) {
                engine.start();
            }
            c.delete();
        }
    }

    @Test
    void anEngineSettingChangesWithoutARestart() throws Exception {
        memory.createNamespace("engine-config-it", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .build());
        memory.write("engine-config-it", "kept", true, "operator");
        Configuration engine = configAdmin.getConfiguration("io.sharedmemory.engine", "?");
        Dictionary<String, Object> before = engine.getProperties();
        try {
            engine.update(props("maxLogSize", 5));
            await().atMost(10, SECONDS).untilAsserted(() -> {
                for (int i = 0; i < 10; i++) {
                    memory.read("engine-config-it", "kept", "operator");
                }
                assertEquals(5, memory.getAccessLog().size());
            });
            assertEquals(true, memory.read("engine-config-it", "kept", "operator"), "the engine was not restarted");
        } finally {
            engine.update(before == null ? props("maxLogSize", 1000) : before);
        }
    }
}
