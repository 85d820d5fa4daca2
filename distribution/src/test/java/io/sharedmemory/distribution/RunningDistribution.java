package io.sharedmemory.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The executable jar as an operator runs it, in a directory of its own under {@code target/} with a copy of
 * {@code conf/}: stdin is a pipe the test types into, stdout and stderr are kept, and {@code java.io.tmpdir} points to
 * a directory of the run, so a test can see what the jar leaves there.
 */
final class RunningDistribution implements AutoCloseable {
    static final Path DIR = Path.of(System.getProperty("distribution.dir", "."));
    /** The example plugin, a bundle an operator may drop into {@code conf/}. */
    static final Path EXAMPLES_JAR = Path.of(System.getProperty("examples.jar",
            "../examples/target/sharedmemory-examples-0.1.0-SNAPSHOT.jar"));
    /** The built-in strategies' bundle as the build made it, to update the shipped one from. */
    static final Path STRATEGIES_JAR = Path.of(System.getProperty("strategies.jar",
            "../strategies/target/sharedmemory-strategies-0.1.0-SNAPSHOT.jar"));
    /** The permissions bundle, whose SecretHashes makes an agent's secret hash (as the README shows). */
    static final Path PERMISSIONS_JAR = Path.of(System.getProperty("permissions.jar",
            "../permissions/target/sharedmemory-permissions-0.1.0-SNAPSHOT.jar"));
    static final Path API_JAR = Path.of(System.getProperty("api.jar",
            "../api/target/sharedmemory-api-0.1.0-SNAPSHOT.jar"));

    final Path run;
    final Path conf;
    final Path tmp;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private Process process;
    private OutputStream stdin;
    private Thread pump;

    private RunningDistribution(Path run) throws IOException {
        this.run = run;
        this.conf = Files.createDirectories(run.resolve("conf"));
        this.tmp = Files.createDirectories(run.resolve("tmp"));
    }

    /** A fresh run directory {@code target/<name>} with the build's {@code conf/} in it. */
    static RunningDistribution prepare(String name) throws IOException {
        return new RunningDistribution(freshRun(name));
    }

    /** @return {@code target/<name>}, emptied, holding a copy of the build's {@code conf/} */
    static Path freshRun(String name) throws IOException {
        Path run = DIR.resolve("target").resolve(name);
        delete(run);
        Path conf = Files.createDirectories(run.resolve("conf"));
        try (Stream<Path> files = Files.list(DIR.resolve("target/conf"))) {
            for (Path f : files.toList()) {
                Files.copy(f, conf.resolve(f.getFileName()));
            }
        }
        return run;
    }

    /** @return a free port on the loopback interface (free when asked: the caller binds it soon after) */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts {@code java [jvmOptions] -jar sharedmemory.jar} in the run directory. */
    RunningDistribution start(String... jvmOptions) throws IOException {
        return start(java(jvmOptions));
    }

    /**
     * Starts the jar on a terminal of its own, as an operator at a keyboard runs it: under {@code script(1)}, which
     * gives it a pseudo-terminal (with the terminal's echo of what is typed) and copies it to the output.
     */
    RunningDistribution startOnATerminal() throws IOException {
        StringBuilder shellLine = new StringBuilder();
        for (String word : java()) {
            shellLine.append(shellLine.length() == 0 ? "" : " ").append('\'').append(word).append('\'');
        }
        return start(List.of("script", "-qfec", shellLine.toString(), "/dev/null"));
    }

    private List<String> java(String... jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djava.io.tmpdir=" + tmp.toAbsolutePath());
        command.addAll(List.of(jvmOptions));
        command.add("-jar");
        command.add(DIR.resolve("target/sharedmemory.jar").toAbsolutePath().toString());
        return command;
    }

    private RunningDistribution start(List<String> command) throws IOException {
        process = new ProcessBuilder(command).directory(run.toFile()).redirectErrorStream(true).start();
        stdin = process.getOutputStream();
        InputStream out = process.getInputStream();
        pump = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                for (int n = out.read(buffer); n >= 0; n = out.read(buffer)) {
                    synchronized (output) {
                        output.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "distribution-output");
        pump.setDaemon(true);
        pump.start();
        return this;
    }

    /** Everything the process printed so far, as UTF-8. */
    String output() {
        synchronized (output) {
            return output.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits up to {@code seconds} until the output contains {@code text}, then returns the output. */
    String awaitOutput(String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!output().contains(text)) {
            assertTrue(process.isAlive() || output().contains(text), () -> "exited before \"" + text + "\": "
                    + output());
            assertTrue(System.nanoTime() < deadline, () -> "no \"" + text + "\" within " + seconds + " s: "
                    + output());
            Thread.sleep(20); // another process's output: nothing to wait on but the output itself
        }
        return output();
    }

    /** Waits for the shell's prompt to appear for the {@code n}-th time. */
    String awaitPrompt(int n, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (count(output(), "g! ") < n) {
            assertTrue(process.isAlive(), () -> "exited before prompt " + n + ": " + output());
            assertTrue(System.nanoTime() < deadline, () -> "no prompt " + n + " within " + seconds + " s: "
                    + output());
            Thread.sleep(20);
        }
        return output();
    }

    /** Types a line (UTF-8) into the shell. */
    void type(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Types a line and returns what the shell printed for it: the text between its prompt and the next one. */
    String command(String line) throws IOException, InterruptedException {
        int before = count(output(), "g! ");
        type(line);
        String out = awaitPrompt(before + 1, 30);
        int start = nthIndex(out, "g! ", before) + 3;
        int end = nthIndex(out, "g! ", before + 1);
        return out.substring(start, end).strip();
    }

    Process process() {
        return process;
    }

    int waitFor(int seconds) throws InterruptedException {
        assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), () -> "still running after " + seconds + " s: "
                + output());
        return process.exitValue();
    }

    /** As the README says: {@code java -cp sharedmemory-permissions-*.jar io.sharedmemory.permissions.SecretHashes}. */
    static String secretHash(String secret) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                RunningDistribution.PERMISSIONS_JAR.toAbsolutePath().toString(),
                "io.sharedmemory.permissions.SecretHashes").redirectErrorStream(true).start();
        p.getOutputStream().write(secret.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        assertTrue(out.startsWith("pbkdf2-sha256$"), out);
        return out;
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    private static int nthIndex(String text, String part, int n) {
        int i = -1;
        for (int k = 0; k < n; k++) {
            i = text.indexOf(part, i + 1);
        }
        return i;
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        delete(run);
    }

    static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }
}
