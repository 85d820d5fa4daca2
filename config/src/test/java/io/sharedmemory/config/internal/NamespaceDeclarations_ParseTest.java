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
}
