package io.sharedmemory.osgitests;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Issue 16, items 13 and 14: namespace files as FileInstall hands them to Config Admin (named factory configurations,
 * values as strings). Two files with one {@code name=} do not override each other; a misspelt key is refused, not
 * ignored; a byte-order mark does not hide the first key.
 */
@ExtendWith(ServiceExtension.class)
class NamespaceDeclaration_FilesTest {
    private static final String DECLARATION = "io.sharedmemory.config.internal.NamespaceDeclaration";

    @InjectService(timeout = 10_000)
    SharedMemory memory;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    private static Dictionary<String, Object> cfg(String... keysAndValues) {
        Dictionary<String, Object> d = new Hashtable<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            d.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return d;
    }

    private Optional<String> strategyOf(String namespace) {
        return memory.getNamespaceConfig(namespace).map(NamespaceConfig::conflictStrategy);
    }

    @Test
    void twoFilesWithOneName_theFirstOwnsIt_theOtherIsRefused_andTakesOverWhenTheFirstGoes() throws Exception {
        Configuration b = configAdmin.getFactoryConfiguration("io.sharedmemory.namespace", "dup-b-it", "?");
        Configuration a = configAdmin.getFactoryConfiguration("io.sharedmemory.namespace", "dup-a-it", "?");
        try (LogCapture log = LogCapture.of(DECLARATION)) {
            b.update(cfg("name", "dup-it", "permissions", "operator=admin", "conflictStrategy", "first-wins"));
            await().atMost(10, SECONDS).until(() -> strategyOf("dup-it").equals(Optional.of("first-wins")));
            // a file that sorts first arrives later: it owns the namespace, and the other is told it no longer applies
            a.update(cfg("name", "dup-it", "permissions", "operator=admin", "conflictStrategy", "merge"));
            log.awaitMessage(b.getPid(), "no longer applies", a.getPid());
            assertEquals(Optional.of("merge"), strategyOf("dup-it"));

            // the refused one changed: still refused, and said so
            b.update(cfg("name", "dup-it", "permissions", "operator=admin", "conflictStrategy", "latest-wins"));
            log.awaitMessage(b.getPid(), "not applied", "already declared by " + a.getPid());
            assertEquals(Optional.of("merge"), strategyOf("dup-it"));

            a.delete();
            await().atMost(10, SECONDS).until(() -> strategyOf("dup-it").equals(Optional.of("latest-wins")));
            log.awaitMessage(b.getPid(), "takes over its namespace");
        } finally {
            b.delete();
            memory.deleteNamespace("dup-it", "operator");
        }
    }

    @Test
    void aMisspeltKey_isRefusedNamingIt_andTheNamespaceIsNotCreatedWithWeakerDefaults() throws Exception {
        Configuration c = configAdmin.getFactoryConfiguration("io.sharedmemory.namespace", "typo-it", "?");
        try (LogCapture log = LogCapture.of(DECLARATION)) {
            c.update(cfg("name", "typo-it", "defaultPermision", "none"));
            log.awaitMessage(c.getPid(), "not applied", "unknown property \"defaultPermision\"",
                    "did you mean defaultPermission?");
            assertEquals(Optional.empty(), memory.getNamespaceConfig("typo-it"), "not created with default read");

            c.update(cfg("name", "typo-it", "defaultPermission", "none", "permissions", "operator=admin"));
            await().atMost(10, SECONDS).until(() -> memory.getNamespaceConfig("typo-it").isPresent());
            assertEquals(Permission.NONE, memory.getNamespaceConfig("typo-it").orElseThrow().defaultPermission());
        } finally {
            c.delete();
            memory.deleteNamespace("typo-it", "operator");
        }
    }

    @Test
    void aByteOrderMark_doesNotHideTheFirstKey() throws Exception {
        Configuration c = configAdmin.getFactoryConfiguration("io.sharedmemory.namespace", "bomfile-it", "?");
        try {
            // a .cfg saved with a BOM, read as UTF-8: the mark sticks to the first key
            c.update(cfg("\uFEFFname", "secure-it", "conflictStrategy", "first-wins", "permissions", "operator=admin"));
            await().atMost(10, SECONDS).until(() -> strategyOf("secure-it").equals(Optional.of("first-wins")));
            assertTrue(memory.getNamespaceConfig("bomfile-it").isEmpty(), "not named after the file");
        } finally {
            c.delete();
            memory.deleteNamespace("secure-it", "operator");
        }
    }
}
