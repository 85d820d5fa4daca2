package io.sharedmemory.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.Permission;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamespaceDeclarations_ParseTest {
    @Test
    void typedValuesFromADotConfigFile() {
        var d = NamespaceDeclarations.parse(Map.of("name", "tasks", "defaultPermission", "none",
                "permissions", new String[] {"planner=admin", "worker=write"}, "conflictStrategy", "merge",
                "maxEntries", 100, "ttlMillis", 60_000L));
        assertEquals("tasks", d.name());
        assertEquals(Permission.NONE, d.config().defaultPermission());
        assertEquals(Map.of("planner", Permission.ADMIN, "worker", Permission.WRITE), d.config().permissions());
        assertEquals("merge", d.config().conflictStrategy());
        assertEquals(100, d.config().maxEntries());
        assertEquals(Duration.ofMinutes(1), d.config().ttl());
    }

    @Test
    void stringValuesFromADotCfgFileAndTheNameFromThePid() {
        var d = NamespaceDeclarations.parse(Map.of("service.pid", "io.sharedmemory.namespace~board",
                "permissions", "planner=admin, worker=write", "maxEntries", "5", "ttlMillis", "0"));
        assertEquals("board", d.name());
        assertEquals(Permission.READ, d.config().defaultPermission());
        assertEquals(2, d.config().permissions().size());
        assertEquals(5, d.config().maxEntries());
    }

    @Test
    void badValuesAreNamedAndNothingIsBuilt() {
        var e = assertThrows(IllegalArgumentException.class, () -> NamespaceDeclarations.parse(
                Map.of("name", "x", "permissions", new String[] {"a=write", "b=superuser"})));
        assertTrue(e.getMessage().startsWith("permissions: \"b=superuser\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NamespaceDeclarations.parse(
                Map.of("name", "x", "maxEntries", "many")));
        assertEquals("maxEntries: \"many\" is not a whole number", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NamespaceDeclarations.parse(
                Map.of("name", "x", "ttlMillis", -5)));
        assertTrue(e.getMessage().startsWith("ttlMillis: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NamespaceDeclarations.parse(
                Map.of("service.pid", "io.sharedmemory.namespace.1234")));
        assertTrue(e.getMessage().startsWith("name: missing"), e.getMessage());
    }

    @Test
    void anUnknownProperty_isRefusedNamingIt_neverIgnored() {
        var e = assertThrows(IllegalArgumentException.class, () -> NamespaceDeclarations.parse(Map.of(
                "name", "secure", "defaultPermision", "none")));
        assertEquals("unknown property \"defaultPermision\" (did you mean defaultPermission?) (known: "
                + "conflictStrategy, defaultPermission, maxEntries, name, permissions, ttlMillis)", e.getMessage());
        // what Config Admin, DS and FileInstall add is not the operator's
        var d = NamespaceDeclarations.parse(Map.of("name", "secure", "service.pid", "io.sharedmemory.namespace~secure",
                "service.factoryPid", "io.sharedmemory.namespace", "felix.fileinstall.filename", "file:/x/y.cfg",
                "component.name", "io.sharedmemory.config.internal.NamespaceDeclaration", "component.id", 3L));
        assertEquals("secure", d.name());
    }

    @Test
    void aByteOrderMarkBeforeTheFirstKey_isNotPartOfIt() {
        for (String bom : new String[] {"\uFEFF", "\u00EF\u00BB\u00BF"}) {
            var d = NamespaceDeclarations.parse(Map.of("service.pid", "io.sharedmemory.namespace~file-name",
                    bom + "name", "secure", "conflictStrategy", "first-wins"));
            assertEquals("secure", d.name(), "not the namespace named after the file");
            d = NamespaceDeclarations.parse(Map.of("name", "secure", bom + "conflictStrategy", "first-wins"));
            assertEquals("first-wins", d.config().conflictStrategy(), "not latest-wins");
        }
    }
}
