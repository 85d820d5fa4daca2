package io.sharedmemory.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the demo in a fresh JVM on the module path, as a plain-Java user would: proves the jars are named modules whose
 * {@code uses}/{@code provides} let {@code SharedMemory.create()} find the engine and every plugin without OSGi.
 */
class ModulePathTest {
    @Test
    void twoAgentsRunOnTheModulePath() throws IOException, InterruptedException {
        String modulePath = System.getProperty("demo.modulePath");
        assertTrue(modulePath != null && !modulePath.isBlank(), "demo.modulePath is set by the build");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "--module-path", modulePath,
                "--show-module-resolution", "-m", "io.sharedmemory.demo/io.sharedmemory.demo.TwoAgents", "4"))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the demo finishes");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        for (String module : List.of("io.sharedmemory.engine", "io.sharedmemory.strategies",
                "io.sharedmemory.permissions", "io.sharedmemory.audit")) {
            assertTrue(out.contains("root " + module) || out.contains(module + " file:")
                    || out.contains("binds " + module), module + " resolved from the module path:\n" + out);
        }
        assertTrue(out.contains("coordinator posted task-4: WRITTEN v1"), out);
        assertTrue(out.contains("worker writing to tasks: DENIED (Insufficient permissions)"), out);
        assertTrue(out.contains("coordinator read task-3 = {answer=SUMMARISE REPORT 3, by=worker}")
                || out.contains("coordinator read task-3 = {by=worker, answer=SUMMARISE REPORT 3}"), out);
        assertTrue(out.contains("stats: 2 namespaces, 8 entries"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("done")), out);
    }
}
