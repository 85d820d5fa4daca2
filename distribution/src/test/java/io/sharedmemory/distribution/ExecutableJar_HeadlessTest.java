package io.sharedmemory.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The executable jar as a service manager runs it: stdin closed, it starts, reads {@code conf/}, stays up, and on
 * SIGTERM stops the framework so every component is deactivated. The namespaces declared in {@code conf/} are the
 * witness that the platform came up with every plugin: they are created, and each confirmed on the console, only once
 * the engine, the plugins and Config Admin are all there.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ExecutableJar_HeadlessTest {
    private static final Path DIR = Path.of(System.getProperty("distribution.dir", "."));
    private Path run;
    private Process process;

    @AfterEach
    void cleanUp() throws IOException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        if (run != null) {
            try (Stream<Path> files = Files.walk(run)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void startsWithStdinClosedStaysUpAndStopsCleanlyOnSigterm() throws Exception {
        run = RunningDistribution.freshRun("headless-run");
        Path output = run.resolve("output.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-jar", DIR.resolve("target/sharedmemory.jar").toAbsolutePath().toString())
                .directory(run.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!declaredBoth(read(output))) {
            assertTrue(process.isAlive(), () -> "exited early: " + read(output));
            assertTrue(System.nanoTime() < deadline, () -> "conf/ namespaces not declared within 60 s: " + read(output));
            Thread.sleep(50); // polling a file another process writes; no event to wait on
        }
        assertTrue(process.isAlive(), "stays up with stdin closed");

        process.destroy(); // SIGTERM
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stops within 30 s of SIGTERM");
        assertEquals(143, process.exitValue(), "128 + SIGTERM");
        String out = read(output);
        assertTrue(out.contains("sharedmemory: framework stopped, every component deactivated"), out);
    }

    /** The namespaces of conf/ are there, and the prompt, which appears once every component is active. */
    private static boolean declaredBoth(String output) {
        return output.contains("sharedmemory: namespace tasks declared by ")
                && output.contains("sharedmemory: namespace scores declared by ") && output.contains("g! ");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
