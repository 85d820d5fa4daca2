package io.sharedmemory.karaftests;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One Apache Karaf, run by its own scripts. The unpacked distribution is {@code KARAF_HOME} and is never written to;
 * this instance's {@code etc/}, {@code data/} and {@code deploy/} live in a directory of their own ({@code KARAF_BASE},
 * {@code KARAF_ETC}, {@code KARAF_DATA}, as for a Karaf child instance), so every run starts from Karaf's shipped
 * configuration. Started headless with {@code bin/karaf server}, driven with {@code bin/client} over SSH on 127.0.0.1,
 * stopped with {@code bin/stop}.
 */
final class KarafInstance implements AutoCloseable {
    private static final String USER = "karaf";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

    private final Path home;
    private final Path base;
    private final int sshPort;
    private Process server;

    private KarafInstance(Path home, Path base, int sshPort) {
        this.home = home;
        this.base = base;
        this.sshPort = sshPort;
    }

    /**
     * Lays out a fresh instance directory from the distribution's {@code etc/}: a user {@code karaf} (Karaf ships it
     * commented out), and SSH, RMI registry and RMI server on free ports of 127.0.0.1, so that runs of other builds on
     * the same machine do not collide.
     */
    static KarafInstance create(Path home, Path base) throws IOException {
        deleteRecursively(base);
        Files.createDirectories(base.resolve("data"));
        Files.createDirectories(base.resolve("deploy"));
        copyRecursively(home.resolve("etc"), base.resolve("etc"));
        int[] ports = freePorts(3);
        KarafInstance karaf = new KarafInstance(home, base, ports[0]);
        Files.writeString(karaf.etc("users.properties"), "\n" + USER + " = " + USER + ",_g_:admingroup\n"
                + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n", StandardOpenOption.APPEND);
        setProperty(karaf.etc("org.apache.karaf.shell.cfg"), "sshPort", String.valueOf(ports[0]));
        setProperty(karaf.etc("org.apache.karaf.shell.cfg"), "sshHost", "127.0.0.1");
        setProperty(karaf.etc("org.apache.karaf.management.cfg"), "rmiRegistryPort", String.valueOf(ports[1]));
        setProperty(karaf.etc("org.apache.karaf.management.cfg"), "rmiServerPort", String.valueOf(ports[2]));
        return karaf;
    }

    /** @return a file of this instance's {@code etc/} */
    Path etc(String name) {
        return base.resolve("etc").resolve(name);
    }

    /** @return this instance's {@code data/} */
    Path data() {
        return base.resolve("data");
    }

    /** @return Karaf's log so far, or an empty string before Karaf wrote one */
    String log() throws IOException {
        Path log = data().resolve("log/karaf.log");
        return Files.exists(log) ? Files.readString(log, UTF_8) : "";
    }

    /**
     * Adds a Maven-layout directory to {@code org.ops4j.pax.url.mvn.defaultRepositories}, where Karaf looks for an
     * {@code mvn:} URL before the local repository and the remote ones (snapshots included); third-party artifacts
     * are still found in {@code ~/.m2} or downloaded from Maven Central as Karaf ships configured.
     */
    void addDefaultRepository(Path repository, String id) throws IOException {
        Path cfg = etc("org.ops4j.pax.url.mvn.cfg");
        String key = "org.ops4j.pax.url.mvn.defaultRepositories";
        String value = property(cfg, key);
        setProperty(cfg, key, value + ", " + repository.toUri() + "@id=" + id + "@snapshots");
    }

    /** Copies every file under {@code overlay} (if it exists) into the instance directory, keeping relative paths. */
    void overlay(Path overlay) throws IOException {
        if (Files.isDirectory(overlay)) {
            copyRecursively(overlay, base);
        }
    }

    /** Starts {@code bin/karaf server} (no console) with this directory as working directory. */
    void start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(script("karaf").toString(), "server")
                .directory(base.toFile())
                .redirectErrorStream(true)
                .redirectOutput(base.resolve("karaf.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        environment(pb.environment());
        server = pb.start();
    }

    /** @return whether the server process is running */
    boolean isRunning() {
        return server != null && server.isAlive();
    }

    /**
     * Types one command line into Karaf's shell with {@code bin/client} and returns what it printed. The client's
     * standard input stays open until it exits: it closes the SSH channel, printing nothing, as soon as its input ends.
     */
    String run(String command) throws IOException, InterruptedException {
        return client(List.of(command));
    }

    /**
     * Waits until Karaf has reached its final start level (the boot features are installed and started) and its shell
     * accepts commands, up to {@code timeout}.
     */
    void awaitStarted(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String said = "";
        while (!said.contains("Level 100")) {
            if (!isRunning() || System.nanoTime() > deadline) {
                throw new AssertionError("Karaf did not start within " + timeout.toSeconds() + " s (running: "
                        + isRunning() + "); the shell said: " + said + "; karaf.out: "
                        + Files.readString(base.resolve("karaf.out"), UTF_8));
            }
            // -r: the client retries the connection once a second until the SSH server listens
            said = client(List.of("-r", String.valueOf(timeout.toSeconds()), "-d", "1", "system:start-level"));
        }
    }

    private String client(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(script("client").toString(), "-u", USER, "-p", USER,
                "-h", "127.0.0.1", "-a", String.valueOf(sshPort)));
        cmd.addAll(args);
        Path out = Files.createTempFile(base, "client", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        environment(pb.environment());
        pb.environment().put("EXTRA_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"); // a short-lived JVM
        Process client = pb.start();
        try {
            if (!client.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("bin/client " + args + " did not finish in " + COMMAND_TIMEOUT.toSeconds()
                        + " s; it printed: " + Files.readString(out, UTF_8));
            }
            return Files.readString(out, UTF_8);
        } finally {
            client.getOutputStream().close();
            if (client.isAlive()) {
                client.descendants().forEach(ProcessHandle::destroyForcibly);
                client.destroyForcibly();
            }
            Files.delete(out);
        }
    }

    /**
     * Stops Karaf with {@code bin/stop} and waits for the server process to end.
     *
     * @return the server's exit code
     */
    int stop(Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(script("stop").toString()).directory(base.toFile())
                .redirectErrorStream(true).redirectOutput(base.resolve("stop.out").toFile());
        environment(pb.environment());
        Process stop = pb.start();
        if (!stop.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            stop.destroyForcibly();
            throw new AssertionError("bin/stop did not finish in " + timeout.toSeconds() + " s");
        }
        if (!server.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("Karaf still running " + timeout.toSeconds() + " s after bin/stop; bin/stop said: "
                    + Files.readString(base.resolve("stop.out"), UTF_8));
        }
        return server.exitValue();
    }

    /** Kills a Karaf that was not stopped (a failed test), with the JVM its script started. */
    @Override
    public void close() {
        if (server != null && server.isAlive()) {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
    }

    private Path script(String name) {
        return home.resolve("bin").resolve(name);
    }

    private void environment(Map<String, String> env) {
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("KARAF_HOME"); // the scripts find it from their own path, and warn when it is set
        env.put("KARAF_BASE", base.toString());
        env.put("KARAF_ETC", base.resolve("etc").toString());
        env.put("KARAF_DATA", data().toString());
        env.remove("JAVA_OPTS");
        env.remove("EXTRA_JAVA_OPTS");
        env.remove("KARAF_OPTS");
    }

    private static Matcher propertyLine(String text, String key) {
        // key = value, where the value may continue on the next lines after a trailing backslash
        return Pattern.compile("(?m)^" + Pattern.quote(key) + "\\s*=((?:[^\\n]*\\\\\\n)*[^\\n]*)$").matcher(text);
    }

    private static String property(Path cfg, String key) throws IOException {
        Matcher m = propertyLine(Files.readString(cfg, UTF_8), key);
        if (!m.find()) {
            throw new AssertionError(cfg + " has no property " + key);
        }
        return m.group(1).replaceAll("\\\\\\n\\s*", "").strip();
    }

    private static void setProperty(Path cfg, String key, String value) throws IOException {
        String text = Files.readString(cfg, UTF_8);
        Matcher m = propertyLine(text, key);
        if (!m.find()) {
            throw new AssertionError(cfg + " has no property " + key);
        }
        Files.writeString(cfg, text.substring(0, m.start()) + key + " = " + value + text.substring(m.end()), UTF_8);
    }

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
