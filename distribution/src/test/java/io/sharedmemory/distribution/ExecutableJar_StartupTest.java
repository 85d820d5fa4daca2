package io.sharedmemory.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Starting the executable jar as an operator does: the {@code g!} prompt means ready (the engine runs with the settings
 * of its file in {@code conf/}, never first with defaults, and the namespaces of {@code conf/} exist); a bad value in
 * the engine's file leaves an engine that refuses everything; the exit codes a service manager sees; and a killed run
 * leaves neither the framework's storage nor FileInstall's files in {@code /tmp}; and the HTTP port opens only once
 * the API answers on it.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ExecutableJar_StartupTest {
    private static void engineFile(RunningDistribution d, String... extraLines) throws Exception {
        Path cfg = d.conf.resolve("io.sharedmemory.engine.cfg");
        String text = Files.readString(cfg, StandardCharsets.UTF_8).replace("identity=trusted",
                "identity=authenticated");
        Files.writeString(cfg, text + String.join("\n", extraLines) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void thePromptMeansReady_theEnginesSettingsAndTheNamespacesOfConfIncluded() throws Exception {
        try (RunningDistribution d = RunningDistribution.prepare("startup-ready")) {
            engineFile(d);
            String boot = d.start().awaitPrompt(1, 60);
            assertTrue(boot.contains("sharedmemory: engine started with identity authenticated"), boot);
            assertFalse(boot.contains("(no configuration io.sharedmemory.engine"),
                    "never first with defaults: " + boot);
            assertEquals(1, RunningDistribution.count(boot, "sharedmemory: engine started"), boot);
            assertTrue(boot.contains("sharedmemory: namespace tasks declared by ")
                    && boot.contains("sharedmemory: namespace scores declared by "), boot);

            String stats = d.command("sm:stats");
            assertTrue(stats.startsWith("identity mode authenticated, namespaces 2,"), stats);
            assertEquals("Not written (DENIED): Insufficient permissions", d.command("sm:write tasks x 1").replaceAll(
                    "\\(DENIED\\): .*", "(DENIED): Insufficient permissions"));

            d.type("stop 0");
            assertEquals(117, d.waitFor(30), "stop 0: the bnd launcher's exit code for a stopped framework");
        }
    }

    @Test
    void theIssuesCase_oneBadValueInTheEnginesFile_givesAnEngineThatRefusesEverything() throws Exception {
        for (String bad : new String[] {"listenerQueueCapacity=8", "maxLogSize=-3"}) {
            try (RunningDistribution d = RunningDistribution.prepare("startup-bad-value")) {
                engineFile(d, "requireAuditSink=true", bad);
                String boot = d.start().awaitPrompt(1, 60);
                String property = bad.substring(0, bad.indexOf('='));
                assertTrue(boot.contains("sharedmemory: configuration io.sharedmemory.engine has a bad value; the "
                        + "memory refuses every operation until it is fixed (its data is kept, no session may act): "
                        + property), boot);
                String refusal = "The sharedmemory engine refuses every operation until its configuration "
                        + "io.sharedmemory.engine is fixed: " + property;
                String stats = d.command("sm:stats");
                assertTrue(stats.startsWith("identity mode authenticated") && stats.contains(refusal), stats);
                String write = d.command("sm:write tasks x 1");
                assertTrue(write.startsWith("Not written (STORE_UNAVAILABLE): " + refusal), write);
            }
        }
    }

    @Test
    void aKilledRunLeavesNothingInTmp_theFrameworkKeepsItsFilesUnderTheWorkingDirectory() throws Exception {
        try (RunningDistribution d = RunningDistribution.prepare("startup-killed")) {
            Files.copy(RunningDistribution.EXAMPLES_JAR, d.conf.resolve("sharedmemory-examples.jar"));
            d.start().awaitPrompt(1, 60);
            assertTrue(d.command("sm:plugins").contains("max-value"), "the plugin jar in conf/ was installed");
            d.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
            d.waitFor(30);
            try (Stream<Path> left = Files.list(d.tmp)) {
                // the bnd launcher's own copies of the framework and launcher jars, resource*.jar, are deleted on exit
                // but not on a SIGKILL: documented, with -Djava.io.tmpdir or a private /tmp as the remedy
                assertEquals(java.util.List.of(), left.map(p -> p.getFileName().toString())
                        .filter(name -> !name.matches("resource\\d+\\.jar")).toList(),
                        "no framework storage (osgi.*.fw) or FileInstall directory (fileinstall-*) left in /tmp");
            }
            assertTrue(Files.isDirectory(d.run.resolve("felix-cache")), "the bundle cache is in the working directory");

            // the next start empties and reuses it
            RunningDistribution again = d.start();
            again.awaitPrompt(1, 60);
            assertTrue(again.command("sm:plugins").contains("max-value"));
            again.type("stop 0");
            again.waitFor(30);
        }
    }

    /**
     * A client that waits for the port and then calls the API gets the API's answer, never the servlet container's
     * "404 Not Found" page of a port open before the API's servlet is registered (the launcher starts Jetty after
     * SCR has activated the components). Polled from the process's start until the first 401 (no token).
     */
    @Test
    void thePortOpensOnlyWhenTheApiAnswersOnIt() throws Exception {
        int port = RunningDistribution.freePort();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest stats = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/stats"))
                .timeout(Duration.ofSeconds(10)).build();
        try (RunningDistribution d = RunningDistribution.prepare("startup-port")) {
            d.start("-Dorg.osgi.service.http.port=" + port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<String> before = new ArrayList<>();
            HttpResponse<String> first = null;
            while (first == null) {
                assertTrue(d.process().isAlive(), () -> "exited before the API answered: " + d.output());
                assertTrue(System.nanoTime() < deadline, () -> "no answer within 60 s: " + d.output());
                try {
                    HttpResponse<String> r = client.send(stats, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 401) {
                        first = r;
                    } else {
                        before.add(r.statusCode() + " " + r.body().strip().replaceAll("\\s+", " "));
                    }
                } catch (ConnectException notYetOpen) {
                    Thread.sleep(5); // another process's port: nothing to wait on but the port itself
                } catch (IOException closedWhileStarting) {
                    before.add(closedWhileStarting.toString());
                }
            }
            assertEquals(List.of(), before, "every answer before the API's was a container's page or a reset");
            assertTrue(first.body().startsWith("{\"error\":\"unauthenticated\""), first.body());
            d.type("stop 0");
            d.waitFor(30);
        }
    }
}
