package io.sharedmemory.console.tests;

import static org.awaitility.Awaitility.await;

import io.sharedmemory.json.Json;
import io.sharedmemory.permissions.ConfiguredAuthenticator;
import io.sharedmemory.permissions.SecretHashes;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * The executable distribution started as a process, as a user starts it ({@code java -jar sharedmemory.jar} in a
 * directory whose {@code conf/} holds the shipped files, the HTTP port in {@code conf/org.apache.felix.http.cfg}),
 * plus an authenticator configuration — agents alice, bob and carol with secrets — and short change-feed limits
 * ({@value #FEED_EVENTS} events kept per feed, so that a paused live view can be made to miss some). {@link #get()} is
 * the one server of every browser test of this JVM, on the shipped durable file store; {@link #start} starts others
 * (members of a cluster) with changes of their own to {@code conf/}. Each starts in a fresh working directory under
 * {@code target/} (no data of an earlier run). The console is at {@link #console}; {@link #send} is a second client
 * of the same API, for the other agents of a test. Stopped with SIGTERM by {@link #stop()} or when the JVM exits.
 */
final class ConsoleServer {
    static final String ALICE = "alice";
    static final String BOB = "bob";
    static final String CAROL = "carol";
    static final int FEED_EVENTS = 20;
    private static final Map<String, String> SECRETS = Map.of(
            ALICE, "alice-" + Long.toHexString(new SecureRandom().nextLong()),
            BOB, "bob-" + Long.toHexString(new SecureRandom().nextLong()),
            CAROL, "carol-" + Long.toHexString(new SecureRandom().nextLong()));
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static ConsoleServer instance;

    final String base;
    final String console;
    private final Path output;
    private final Process process;
    private final byte[] signingKey;
    private final Map<String, String> hashes = new LinkedHashMap<>();

    static synchronized ConsoleServer get() throws Exception {
        if (instance == null) {
            instance = start("console-run", conf -> { });
            instance.awaitReady();
        }
        return instance;
    }

    static String secret(String agent) {
        return SECRETS.get(agent);
    }

    /** Changes a test makes to a server's {@code conf/} before it starts. */
    @FunctionalInterface
    interface Conf {
        void change(Path conf) throws IOException;
    }

    /**
     * Starts a distribution process in {@code target/<run>/} (emptied first) with the test agents and the changes to
     * its {@code conf/}; {@link #awaitReady()} waits until it serves. Stopped when the JVM exits, if not before.
     */
    static ConsoleServer start(String run, Conf conf) throws Exception {
        ConsoleServer s = new ConsoleServer(run, conf);
        Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
        return s;
    }

    private ConsoleServer(String run, Conf changes) throws Exception {
        Path dist = Path.of(System.getProperty("distribution.dir", "../distribution")).toAbsolutePath().normalize();
        Path dir = Path.of("target", run).toAbsolutePath();
        if (Files.exists(dir)) {
            try (Stream<Path> old = Files.walk(dir)) {
                old.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
        Path conf = Files.createDirectories(dir.resolve("conf"));
        try (Stream<Path> files = Files.list(dist.resolve("target/conf"))) {
            for (Path f : files.toList()) {
                Files.copy(f, conf.resolve(f.getFileName()));
            }
        }
        signingKey = new byte[32];
        new SecureRandom().nextBytes(signingKey);
        StringBuilder agents = new StringBuilder();
        for (String agent : new String[] {ALICE, BOB, CAROL}) {
            // few iterations: the hashes are made and checked by tests, not stored anywhere
            hashes.put(agent, SecretHashes.hash(SECRETS.get(agent).toCharArray(), 1000));
            agents.append(agents.length() == 0 ? "" : ",").append('"').append(agent).append('=')
                    .append(hashes.get(agent)).append('"');
        }
        Files.writeString(conf.resolve("io.sharedmemory.authenticator.config"),
                "agents=[" + agents + "]\n"
                        + "signingKey=\"" + Base64.getEncoder().encodeToString(signingKey) + "\"\n"
                        + "tokenTtlSeconds=L\"3600\"\n");
        Files.writeString(conf.resolve("io.sharedmemory.remote.http.cfg"),
                "feedEvents=" + FEED_EVENTS + "\nheartbeatSeconds=1\n");
        int port = freePort();
        Files.writeString(conf.resolve("org.apache.felix.http.cfg"), "org.osgi.service.http.port=" + port + "\n");
        changes.change(conf);
        base = "http://127.0.0.1:" + port;
        console = base + "/console/";
        output = dir.resolve("output.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-jar", dist.resolve("target/sharedmemory.jar").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
    }

    /** A free port on the loopback interface (free when asked: the caller binds it soon after). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Ready: the API lets alice sign in (conf/ applied) and the console's page is served. */
    void awaitReady() {
        // another process: nothing to wait on but its answers (a refused connection until it listens)
        try {
            await("the distribution at " + base + " ready").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .failFast("the distribution exited", () -> !process.isAlive())
                    .until(() -> send("POST", "/v1/sessions", null, Map.of("agentId", ALICE, "secret", secret(ALICE)))
                            .status() == 201 && get("/console/", null).status() == 200);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + outputText(), e);
        }
    }

    String outputText() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    record Response(int status, String body) {
        Map<String, Object> json() {
            return Json.parseObject(body);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Response send(String method, String path, String token, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }

    Response get(String path, String token) throws IOException, InterruptedException {
        return send("GET", path, token, null);
    }

    /** A token of the agent, from {@code POST /v1/sessions} with its secret. */
    String token(String agent) throws IOException, InterruptedException {
        Response r = send("POST", "/v1/sessions", null, Map.of("agentId", agent, "secret", secret(agent)));
        if (r.status() != 201) {
            throw new IllegalStateException("sign-in of " + agent + ": " + r);
        }
        return (String) r.json().get("token");
    }

    /** Creates a namespace as the agent (its admin), with the config's fields; fails the test when refused. */
    void createNamespace(String token, String name, Map<String, Object> config) throws Exception {
        Response r = send("POST", "/v1/namespaces", token, Map.of("name", name, "config", config));
        if (r.status() != 201) {
            throw new IllegalStateException("creating " + name + ": " + r);
        }
    }

    /** Writes an entry as the token's agent; returns the answer. */
    Response write(String token, String namespace, String key, Object value) throws Exception {
        return send("PUT", "/v1/namespaces/" + namespace + "/entries/" + key, token, Map.of("value", value));
    }

    /**
     * @param clock the authenticator's clock (in the past: tokens the server must find expired)
     * @return an authenticator with the server's agents and signing key
     */
    ConfiguredAuthenticator authenticator(Clock clock, Duration ttl) {
        ConfiguredAuthenticator.Builder b = ConfiguredAuthenticator.builder();
        hashes.forEach(b::agent);
        return b.signingKey(signingKey).clock(clock).tokenTtl(ttl).build();
    }

    /** Sends the process SIGTERM, without waiting for it to end. */
    void terminate() {
        process.destroy();
    }

    /** Stops the process (SIGTERM, then SIGKILL after 30 s); does nothing when it has ended. */
    void stop() {
        process.destroy();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
