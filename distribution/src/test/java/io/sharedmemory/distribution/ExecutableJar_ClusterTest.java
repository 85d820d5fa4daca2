package io.sharedmemory.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Two distribution processes as members of one cluster, set up as the README's "Many JVMs" walk-through sets up its
 * three: each its own working directory with {@code conf/} plus {@code store=hazelcast} and the member's
 * configuration from {@code target/cluster/}, its own port. A namespace declared in {@code conf/} exists on both,
 * a write through one member's shell is read through the other's, and {@code sm:cluster} lists both members.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ExecutableJar_ClusterTest {
    private static final Path DIR = Path.of(System.getProperty("distribution.dir", "."));
    private final List<Process> processes = new ArrayList<>();
    private Path run;

    @AfterEach
    void cleanUp() throws IOException {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        if (run != null) {
            try (Stream<Path> files = Files.walk(run)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void twoDistributionProcesses_shareANamespace() throws Exception {
        run = Files.createDirectories(DIR.resolve("target/cluster-run"));
        int base = 26_000 + ThreadLocalRandom.current().nextInt(1_000) * 4;
        String cluster = "sm-dist-" + ProcessHandle.current().pid() + "-" + base;
        List<Path> outputs = new ArrayList<>();
        List<OutputStream> shells = new ArrayList<>();
        for (int n = 1; n <= 2; n++) {
            Path node = Files.createDirectories(run.resolve("node" + n));
            Path conf = Files.createDirectories(node.resolve("conf"));
            try (Stream<Path> files = Files.list(DIR.resolve("target/conf"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, conf.resolve(f.getFileName()));
                }
            }
            Path engine = conf.resolve("io.sharedmemory.engine.cfg");
            Files.writeString(engine, Files.readString(engine).replaceAll("(?m)^store=.*$", "store=hazelcast"));
            Files.deleteIfExists(conf.resolve("io.sharedmemory.store.file.cfg")); // no file store beside the cluster
            // each member its own HTTP port, as on one machine they must have (Felix HTTP's configuration PID)
            Files.writeString(conf.resolve("org.apache.felix.http.cfg"), "org.osgi.service.http.port="
                    + RunningDistribution.freePort() + "\n");
            String member = Files.readString(DIR.resolve("target/cluster/io.sharedmemory.store.hazelcast.cfg"))
                    .replaceAll("(?m)^port=.*$", "port=" + (base + n))
                    .replaceAll("(?m)^members=.*$", "members=127.0.0.1:" + (base + 1) + ",127.0.0.1:" + (base + 2))
                    .replaceAll("(?m)^clusterName=.*$", "clusterName=" + cluster);
            Files.writeString(conf.resolve("io.sharedmemory.store.hazelcast.cfg"), member);
            Path output = node.resolve("output.txt");
            outputs.add(output);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-jar", DIR.resolve("target/sharedmemory.jar").toAbsolutePath()
                    .toString())
                    .directory(node.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            processes.add(p);
            shells.add(p.getOutputStream());
        }
        for (int i = 0; i < 2; i++) {
            Path out = outputs.get(i);
            awaitOutput(i, out, s -> s.contains("sharedmemory: namespace tasks declared by ")
                    && (s.contains("(2 members)") || s.contains("Members {size:2")), "a member of two with tasks");
        }
        // both declared tasks from their own conf/: one created it, the other found it in the cluster
        send(shells.get(0), "sm:write -a planner tasks t1 '{\"state\":\"open\"}'");
        awaitOutput(0, outputs.get(0), s -> s.contains("Written tasks/t1 version 1"), "the write through node1");
        send(shells.get(1), "sm:read tasks t1");
        awaitOutput(1, outputs.get(1), s -> s.contains("{\"state\":\"open\"}"), "the read through node2");
        send(shells.get(1), "sm:cluster");
        awaitOutput(1, outputs.get(1), s -> s.contains("2 members") && s.contains("(this member)")
                && s.contains("partitions: 271"), "sm:cluster on node2");
        for (OutputStream shell : shells) {
            send(shell, "stop 0");
        }
        for (Process p : processes) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stops on stop 0");
        }
    }


    private static void send(OutputStream shell, String command) throws IOException {
        shell.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        shell.flush();
    }

    private void awaitOutput(int node, Path output, Predicate<String> until, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!until.test(read(output))) {
            assertTrue(processes.get(node).isAlive(), () -> "node" + (node + 1) + " exited: " + read(output));
            assertTrue(System.nanoTime() < deadline, () -> what + " not seen within 120 s: " + read(output));
            Thread.sleep(50); // polling a file another process writes; no event to wait on
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
