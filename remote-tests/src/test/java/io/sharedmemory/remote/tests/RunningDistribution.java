package io.sharedmemory.remote.tests;

import io.sharedmemory.permissions.ConfiguredAuthenticator;
import io.sharedmemory.permissions.SecretHashes;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The executable distribution started once for all the end-to-end tests of this JVM, as a user starts it:
 * {@code java -Dorg.osgi.service.http.port=N -jar sharedmemory.jar} in a directory with a {@code conf/} holding the
 * shipped files plus an authenticator configuration (agents alice and bob with secrets, carol with a secret nobody
 * knows, who gets tokens from {@code sm:token}) and short change-feed limits (20 events, heartbeats every second), in
 * the engine's default {@code trusted} identity mode — the network must not depend on {@code authenticated}. Its
 * standard input stays open: {@link #console} types shell commands. Stopped with SIGTERM when the JVM exits.
 */
final class RunningDistribution {
    static final String ALICE_SECRET = "alice-secret-" + Long.toHexString(new SecureRandom().nextLong());
    static final String BOB_SECRET = "bob-secret-" + Long.toHexString(new SecureRandom().nextLong());
    static final int FEED_EVENTS = 20;

    private static RunningDistribution instance;

    final int port;
    final String base;
    final Path dir;
    final Path output;
    private final byte[] signingKey;
    private final Map<String, String> hashes;
    private final Process process;
    private final OutputStream console;

    static synchronized RunningDistribution get() throws Exception {
        if (instance == null) {
            instance = new RunningDistribution();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
        }
        return instance;
    }

    private RunningDistribution() throws Exception {
        Path dist = Path.of(System.getProperty("distribution.dir", "../distribution")).toAbsolutePath().normalize();
        dir = Path.of("target", "e2e-run").toAbsolutePath();
        // an emptied working directory: the distribution is durable, and an earlier run's data/ would hold its
        // namespaces and entries
        if (Files.exists(dir)) {
            try (Stream<Path> old = Files.walk(dir)) {
                old.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
        Files.createDirectories(dir);
        Path conf = dir.resolve("conf");
        Files.createDirectories(conf);
        try (Stream<Path> files = Files.list(dist.resolve("target/conf"))) {
            for (Path f : files.toList()) {
                Files.copy(f, conf.resolve(f.getFileName()));
            }
        }
        signingKey = new byte[32];
        new SecureRandom().nextBytes(signingKey);
        // few iterations: the hashes are made and checked in tests, not stored anywhere
        hashes = Map.of("alice", SecretHashes.hash(ALICE_SECRET.toCharArray(), 1000),
                "bob", SecretHashes.hash(BOB_SECRET.toCharArray(), 1000),
                "carol", SecretHashes.hash(Long.toHexString(new SecureRandom().nextLong()).toCharArray(), 1000));
        Files.writeString(conf.resolve("io.sharedmemory.authenticator.config"),
                "agents=[\"alice=" + hashes.get("alice") + "\",\"bob=" + hashes.get("bob") + "\",\"carol="
                        + hashes.get("carol") + "\"]\n"
                        + "signingKey=\"" + Base64.getEncoder().encodeToString(signingKey) + "\"\n"
                        + "tokenTtlSeconds=L\"3600\"\n");
        Files.writeString(conf.resolve("io.sharedmemory.remote.http.cfg"),
                "feedEvents=" + FEED_EVENTS + "\nheartbeatSeconds=1\n");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        output = dir.resolve("output.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Dorg.osgi.service.http.port=" + port, "-jar",
                dist.resolve("target/sharedmemory.jar").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        console = process.getOutputStream();
        awaitReady();
    }

    /** Ready: the API answers and alice can sign in (the authenticator configuration from conf/ is applied). */
    private void awaitReady() throws Exception {
        Http http = new Http(base);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        for (;;) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the distribution exited: " + outputText());
            }
            try {
                Http.Response r = http.login("alice", ALICE_SECRET);
                if (r.status() == 201 && outputText().contains("namespace tasks declared by")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not ready within 90 s: " + outputText());
            }
            Thread.sleep(100); // polling another process's socket and output: no event to wait on
        }
    }

    /** Types a command into the Gogo shell and returns the output that follows it once {@code until} appears. */
    synchronized String console(String command, String until) throws Exception {
        int before = outputText().length();
        console.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        console.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (;;) {
            String after = outputText().substring(before);
            int at = after.indexOf(until);
            if (at >= 0 && after.indexOf('\n', at) >= 0) {
                return after.substring(at);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no \"" + until + "\" after " + command + ": " + after);
            }
            Thread.sleep(50);
        }
    }

    String outputText() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * @param clock the authenticator's clock
     * @param ttl token lifetime
     * @return an authenticator with the server's agents and signing key: mints tokens the server accepts (or, with a
     *         clock in the past, tokens it must refuse as expired)
     */
    ConfiguredAuthenticator authenticator(Clock clock, Duration ttl) {
        ConfiguredAuthenticator.Builder b = ConfiguredAuthenticator.builder();
        hashes.forEach(b::agent);
        return b.signingKey(signingKey).clock(clock).tokenTtl(ttl).build();
    }

    private void stop() {
        process.destroy();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
