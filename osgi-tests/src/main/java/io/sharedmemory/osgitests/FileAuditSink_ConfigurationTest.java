package io.sharedmemory.osgitests;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The file audit sink activated with a path it cannot open, then given a good one while running: the engine has bound
 * it all along, so the entries reach the new file (a component that failed its activation would never be bound).
 */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class FileAuditSink_ConfigurationTest {
    private static final String NS = "file-audit-it";

    @Test
    void aPathFixedWhileRunningReceivesTheEntries(@InjectBundleContext BundleContext context,
            @InjectService(timeout = 10_000) ConfigurationAdmin cm,
            @InjectService(timeout = 10_000) SharedMemory memory) throws Exception {
        Path dir = Files.createTempDirectory("file-audit-it");
        Path blocked = Files.writeString(dir.resolve("not-a-directory"), "x").resolve("access.jsonl");
        Path good = dir.resolve("access.jsonl");
        Configuration file = cm.getConfiguration("io.sharedmemory.audit.file", "?");
        Bundle audit = Bundles.bySymbolicName(context, "io.sharedmemory.audit");
        try {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put("path", blocked.toString());
            try (LogCapture log = LogCapture.of("io.sharedmemory.audit.internal.FileAuditSinkComponent")) {
                file.update(props);
                log.awaitMessage("not applied", "not-a-directory", "still writing");
                // the engine binds the restarted bundle's sinks at once, so the file sink activates with the bad path
                audit.stop();
                audit.start();
                log.awaitMessage("not applied", "not-a-directory", "no audit file is written until it can be opened");
            }
            memory.createNamespace(NS, NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());

            props.put("path", good.toString());
            file.update(props);
            await().atMost(10, SECONDS).until(() -> {
                memory.write(NS, "k", 1, "auditor");
                return Files.exists(good) && Files.readString(good, StandardCharsets.UTF_8).contains(NS);
            });
            assertTrue(Files.readString(good, StandardCharsets.UTF_8).contains("\"auditor\""));
        } finally {
            file.delete();
            if (audit.getState() != Bundle.ACTIVE) {
                audit.start();
            }
        }
    }
}
