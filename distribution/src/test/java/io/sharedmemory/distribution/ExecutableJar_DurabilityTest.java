package io.sharedmemory.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The distribution is durable by default: the executable jar (a real Felix with SCR, Config Admin, FileInstall, the
 * file store and the engine with {@code store=file}, as {@code conf/} ships them) keeps every namespace and entry across
 * a framework restart — a clean stop (SIGTERM) and a kill (SIGKILL) — in {@code data/} under the working directory;
 * {@code conf/} declarations still apply on top (a declared namespace's file configuration wins, its entries are kept).
 * Driven through the Gogo shell on the jar's stdin, as an operator would.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ExecutableJar_DurabilityTest {
    private static final Path DIR = Path.of(System.getProperty("distribution.dir", "."));
    private static final long WAIT = TimeUnit.SECONDS.toNanos(90);
    private Path run;
    private Running jar;

    /** One run of the jar: its stdin to type into, its output collected as it comes. */
    private static final class Running {
        final Process process;
        final OutputStream in;
        private final StringBuilder out = new StringBuilder();

        Running(Path run, String... jvmOptions) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of(jvmOptions));
            command.add("-jar");
            command.add(DIR.resolve("target/sharedmemory.jar").toAbsolutePath().toString());
            process = new ProcessBuilder(command).directory(run.toFile()).redirectErrorStream(true).start();
            in = process.getOutputStream();
            Thread reader = new Thread(() -> {
                byte[] b = new byte[8192];
                try (InputStream s = process.getInputStream()) {
                    for (int n; (n = s.read(b)) >= 0; ) {
                        synchronized (out) {
                            out.append(new String(b, 0, n, StandardCharsets.UTF_8));
                            out.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "jar-output");
            reader.setDaemon(true);
            reader.start();
        }

        String output() {
            synchronized (out) {
                return out.toString();
            }
        }

        /** Waits until the output after {@code from} holds the text. @return the output's length after it */
        int await(String text, int from) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT;
            synchronized (out) {
                for (;;) {
                    int at = out.indexOf(text, from);
                    if (at >= 0) {
                        return at + text.length();
                    }
                    long left = deadline - System.nanoTime();
                    assertTrue(left > 0 && process.isAlive(), () -> "\"" + text + "\" not seen; the output:\n"
                            + out);
                    out.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }

        /** Types a command and waits for the text in what follows. */
        int command(String line, String expected) throws Exception {
            int from = output().length();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            return await(expected, from);
        }

        void awaitReady() throws InterruptedException {
            await("sharedmemory: namespace tasks declared by ", 0);
        }
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (jar != null && jar.process.isAlive()) {
            jar.process.destroyForcibly();
        }
        if (run != null) {
            try (Stream<Path> files = Files.walk(run)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void namespacesAndEntries_surviveAStopAndAKill_andConfStillAppliesOnTop() throws Exception {
        run = RunningDistribution.freshRun("durability-run");
        Path conf = run.resolve("conf");

        jar = new Running(run);
        jar.awaitReady();
        jar.command("sm:write -a planner tasks t1 '{\"title\":\"survive\"}'", "Written tasks/t1 version 1");
        jar.command("sm:create -a alice -d write notes", "Created namespace notes");
        jar.command("sm:write -a alice notes n1 hello", "Written notes/n1 version 1");
        // sm:stats shows the store: its directory, durability, log and last snapshot
        int from = jar.output().length();
        jar.command("sm:stats", "durability-run/data");
        jar.await("BATCHED: a change is acknowledged once it is handed to the operating system", from);
        jar.await("last snapshot", from);
        assertTrue(Files.exists(run.resolve("data/LOCK")), "the data is in data/ under the working directory");
        stop(jar);

        // a conf/ declaration changed while the platform was down: applied on top, the entries kept
        Path tasks = conf.resolve("io.sharedmemory.namespace-tasks.cfg");
        Files.writeString(tasks, Files.readString(tasks).replace("defaultPermission=read", "defaultPermission=write"));
        jar = new Running(run);
        jar.awaitReady();
        jar.command("sm:read -e -a planner tasks t1", "version 1, written by planner");
        assertTrue(jar.output().contains("\"title\":\"survive\""), jar.output());
        jar.command("sm:read -a alice notes n1", "hello");
        jar.command("sm:perms tasks", "default: write");
        jar.command("sm:perms notes", "alice: admin");
        jar.command("sm:write -a planner tasks t1 '{\"title\":\"again\"}'", "Written tasks/t1 version 2");
        // SIGKILL: no shutdown hook, no deactivation; BATCHED has handed every acknowledged write to the OS
        jar.process.toHandle().destroyForcibly();
        assertTrue(jar.process.waitFor(60, TimeUnit.SECONDS));

        jar = new Running(run);
        jar.awaitReady();
        jar.command("sm:read -e -a planner tasks t1", "version 2, written by planner");
        jar.command("sm:read -a alice notes n1", "hello");
        stop(jar);
    }

    /**
     * A second process started on the same working directory while the first runs (a supervisor that starts the new
     * one before the old one is gone): it refuses every operation, naming the process that holds {@code data/}, and
     * takes over with the data once the first is killed, without a restart.
     */
    @Test
    void aSecondProcessOnTheSameData_refusesUntilTheFirstIsGone_thenServesItsData() throws Exception {
        run = RunningDistribution.freshRun("takeover-run");
        jar = new Running(run, "-Dorg.osgi.service.http.port=" + RunningDistribution.freePort());
        jar.awaitReady();
        jar.command("sm:write -a planner tasks t1 '{\"title\":\"first\"}'", "Written tasks/t1 version 1");

        Running second = new Running(run, "-Dorg.osgi.service.http.port=" + RunningDistribution.freePort());
        try {
            second.await("is already open in another process (process " + jar.process.pid() + ")", 0);
            second.awaitReady();
            second.command("sm:read -a planner tasks t1", "could not be opened");

            jar.process.destroyForcibly(); // SIGKILL: the lock goes with the process
            assertTrue(jar.process.waitFor(60, TimeUnit.SECONDS));
            second.await("sharedmemory: the store \"file\" opened after ", 0);
            second.command("sm:read -e -a planner tasks t1", "version 1, written by planner");
            second.command("sm:write -a planner tasks t1 '{\"title\":\"second\"}'", "Written tasks/t1 version 2");
            stop(second);
        } finally {
            second.process.destroyForcibly();
        }
    }


    private static void stop(Running jar) throws InterruptedException {
        jar.process.destroy(); // SIGTERM: the framework stops, the store is closed
        assertTrue(jar.process.waitFor(60, TimeUnit.SECONDS), "stops within 60 s of SIGTERM");
        assertEquals(143, jar.process.exitValue(), jar.output());
    }
}
