package io.sharedmemory.benchmarks;

import io.sharedmemory.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the whole suite — every workload on every subject, 1 and 2 threads; the engine on the file store beside the
 * in-memory engine (read, write), SYNC writes on 1 and 16 threads with the device's fsync latency, the file store's
 * restart and disk use — then writes {@code summary.json} and {@code summary.md} (see {@link Summary}). Started by
 * {@code benchmarks/run}.
 *
 * <pre>
 * BenchmarkMain [--quick] [--out DIR] [--only REGEX] [--forks N] [--entries N] [--subjects a,b] [--summary-only]
 * </pre>
 * {@code --only} restricts the JMH runs to benchmarks whose name matches and {@code --subjects} to some subjects (both
 * for development; the suite's results are only comparable when all three ran together); {@code --summary-only}
 * rebuilds the summary from the result files already in DIR.
 */
public final class BenchmarkMain {
    /**
     * Forks, at least, in a full run of every measurement a target compares with another fork's: the engine's and the
     * map's read and write (2 threads against 1, engine against map), audit-scaling (one log size against another) and
     * the engine's fan-out (subscribers against none). A fork's JIT decisions and memory layout move its figures by up
     * to 25 % here; one fork per side put that noise straight into the ratio.
     */
    static final int RATIO_FORKS = 3;

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        boolean summaryOnly = false;
        Path out = Path.of("benchmarks", "target");
        String only = null;
        int forks = 1;
        int entries = 1_000_000;
        List<String> subjects = List.of(Subject.ENGINE, Subject.CHM, Subject.IMAP, Subject.ENGINE_FILE,
                Subject.ENGINE_FILE_SYNC, ClusterWorkloads.ENGINE_ON_CLUSTER, ClusterWorkloads.IMAP_ON_CLUSTER);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--summary-only" -> summaryOnly = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = args[++i];
                case "--forks" -> forks = Integer.parseInt(args[++i]);
                case "--entries" -> entries = Integer.parseInt(args[++i]);
                case "--subjects" -> subjects = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: [--quick] [--out DIR] [--only REGEX] [--forks N] [--entries N] [--subjects a,b] [--summary-only]");
            }
        }
        Files.createDirectories(out);
        String settings = quick
                ? "quick: 1 fork, warm-up 3 × 0.4 s, measurement 2 × 0.4 s per benchmark"
                : "full: " + Math.max(forks, RATIO_FORKS) + " forks for the engine's and the map's read and write,"
                        + " audit-scaling and the engine's fan-out, " + forks + " for the rest;"
                        + " warm-up 5 × 1 s, measurement 5 × 1 s per benchmark";
        Path settingsFile = out.resolve("settings.txt");
        if (summaryOnly) {
            settings = Files.exists(settingsFile) ? Files.readString(settingsFile).strip() : "as found";
        } else {
            Files.writeString(settingsFile, settings + "\n");
            long t0 = System.nanoTime();
            int ratioForks = Math.max(forks, RATIO_FORKS);
            List<String> ratioSubjects = only(subjects, Subject.ENGINE, Subject.CHM);
            for (int threads : new int[] {1, 2}) {
                // the engine on the file store (BATCHED) in the same run as the in-memory engine: the ratios compare
                jmh("\\.Workloads\\.(read|write)$", only, only(subjects, Subject.ENGINE, Subject.CHM,
                        Subject.ENGINE_FILE), threads, quick, ratioForks,
                        out.resolve("jmh-threads-" + threads + ".json"));
                jmh("\\.Workloads\\.(merge|cas)$", only, ratioSubjects, threads, quick, forks,
                        out.resolve("jmh-threads-" + threads + "-merge-cas.json"));
                jmh("\\.Workloads\\.(read|write|merge|cas)$", only, only(subjects, Subject.IMAP), threads, quick,
                        forks, out.resolve("jmh-threads-" + threads + "-imap.json"));
            }
            // hazelcast-cluster: three members in the fork, the engine on the cluster store against the bare IMap
            for (int threads : new int[] {1, 2}) {
                jmh("\\.ClusterWorkloads\\.(read|write)$", only, only(subjects, ClusterWorkloads.ENGINE_ON_CLUSTER,
                        ClusterWorkloads.IMAP_ON_CLUSTER), threads, quick, ratioForks,
                        out.resolve("jmh-hazelcast-cluster-threads-" + threads + ".json"));
            }
            for (int threads : new int[] {1, 2}) {
                jmh("\\.AuditScaling\\.write$", only, only(subjects, Subject.ENGINE), threads, quick, ratioForks,
                        out.resolve("jmh-audit-scaling-threads-" + threads + ".json"));
            }
            jmh("\\.FanOut\\.burst$", only, only(subjects, Subject.ENGINE), 1, quick, ratioForks,
                    out.resolve("jmh-fan-out.json"));
            jmh("\\.FanOut\\.burst$", only, only(subjects, Subject.IMAP), 1, quick, forks,
                    out.resolve("jmh-fan-out-imap.json"));
            if (subjects.contains(Subject.ENGINE_FILE_SYNC) && (only == null || "Workloads.write".matches(only))) {
                // SYNC: one force per group of writers; the device's own latency beside it, on the same file system
                fsyncLatency(stores(out), out.resolve("fsync.json"));
                for (int threads : new int[] {1, 16}) {
                    jmh("\\.Workloads\\.write$", only, List.of(Subject.ENGINE_FILE_SYNC), threads, quick, ratioForks,
                            out.resolve("jmh-sync-threads-" + threads + ".json"));
                }
            }
            if (subjects.contains(Subject.ENGINE_FILE) && (only == null || "restart".matches(only))) {
                restart(entries, stores(out).resolve("restart"), out.resolve("restart-file.json"));
            }
            jmhSingleShot("\\.HashFlood\\.write16384$", only, quick, out.resolve("jmh-hash-flood.json"));
            if (only == null || "memory".matches(only)) {
                for (String subject : List.of(Subject.ENGINE, Subject.CHM)) {
                    if (!subjects.contains(subject)) {
                        continue;
                    }
                    footprint(subject, entries, out.resolve("memory-" + subject + ".json"));
                }
            }
            System.out.printf("suite ran in %.0f s%n", (System.nanoTime() - t0) / 1e9);
        }
        Summary.write(out, settings);
    }

    private static void jmh(String include, String only, List<String> subjects, int threads, boolean quick, int forks, Path result)
            throws RunnerException, IOException {
        Files.deleteIfExists(result);
        if (subjects.isEmpty()) {
            return;
        }
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(only == null ? include
                        // --only applies to the simple name (Class.method), not to the package, which holds "memory"
                        : "^io\\.sharedmemory\\.benchmarks(?=\\..*(?:" + only + ")).*(?:" + include + ")")
                .param("subject", subjects.toArray(String[]::new))
                .threads(threads)
                .forks(quick ? 1 : forks)
                .warmupIterations(quick ? 3 : 5)
                .warmupTime(quick ? TimeValue.milliseconds(400) : TimeValue.seconds(1))
                .measurementIterations(quick ? 2 : 5)
                .measurementTime(quick ? TimeValue.milliseconds(400) : TimeValue.seconds(1))
                .timeUnit(TimeUnit.SECONDS)
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .resultFormat(ResultFormatType.JSON)
                .result(result.toString())
                .jvmArgsPrepend("-D" + EngineSubject.DIRECTORY_PROPERTY + "=" + stores(result.getParent()));
        try {
            new Runner(o.build()).run();
        } catch (NoBenchmarksException e) {
            Files.deleteIfExists(result);
            System.out.println("# nothing matches --only " + only + " in " + include);
        }
    }

    /** Where the file-store subjects keep their directories: under the output directory, on its file system. */
    private static Path stores(Path out) {
        return out.resolve("stores").toAbsolutePath();
    }

    /**
     * The device's own latency of a synchronous write, as {@code dd if=/dev/zero of=f bs=512 count=2000 oflag=dsync}
     * measures it, in the directory the SYNC subject writes to.
     */
    private static void fsyncLatency(Path dir, Path result) throws IOException, InterruptedException {
        Files.deleteIfExists(result);
        Files.createDirectories(dir);
        Path probe = dir.resolve("fsync-probe");
        List<String> cmd = List.of("dd", "if=/dev/zero", "of=" + probe, "bs=512", "count=2000", "oflag=dsync");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Files.deleteIfExists(probe);
        Matcher m = Pattern.compile("copied, ([0-9.]+) s").matcher(output);
        if (p.exitValue() != 0 || !m.find()) {
            System.out.println("# fsync latency not measured (dd: " + output.strip() + ")");
            return;
        }
        double seconds = Double.parseDouble(m.group(1));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("command", String.join(" ", cmd).replace(probe.toString(), "f"));
        r.put("writes", 2000);
        r.put("seconds", seconds);
        r.put("msPerWrite", seconds / 2000 * 1000);
        String json = Json.write(r) + System.lineSeparator();
        Files.writeString(result, json);
        System.out.print("# fsync latency: " + json);
    }

    /** The file store's restart time and disk use, in a fresh JVM (see {@link FileStoreRestart}). */
    private static void restart(int entries, Path dir, Path result) throws IOException, InterruptedException {
        Files.deleteIfExists(result);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xms3g", "-Xmx3g", "-cp", System.getProperty("java.class.path"),
                FileStoreRestart.class.getName(), Integer.toString(entries), dir.toString(), result.toString());
        System.out.println("# file store restart: " + entries + " entries");
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the file store restart failed: exit " + p.exitValue());
        }
    }

    /** A benchmark that times single shots (its own iteration counts), without the subject parameter. */
    private static void jmhSingleShot(String include, String only, boolean quick, Path result)
            throws RunnerException, IOException {
        Files.deleteIfExists(result);
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(only == null ? include
                        : "^io\\.sharedmemory\\.benchmarks(?=\\..*(?:" + only + ")).*(?:" + include + ")")
                .forks(1)
                .shouldFailOnError(true)
                .resultFormat(ResultFormatType.JSON)
                .result(result.toString());
        if (quick) {
            o.warmupIterations(2).measurementIterations(3);
        }
        try {
            new Runner(o.build()).run();
        } catch (NoBenchmarksException e) {
            Files.deleteIfExists(result);
        }
    }

    /** The subjects of {@code chosen} among {@code wanted}, in the order given. */
    private static List<String> only(List<String> chosen, String... wanted) {
        return Arrays.stream(wanted).filter(chosen::contains).toList();
    }

    /** Retained heap per entry, in a fresh JVM per subject with the serial collector (exact live set after GC). */
    private static void footprint(String subject, int entries, Path result) throws IOException, InterruptedException {
        Files.deleteIfExists(result);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xms4g", "-Xmx4g",
                "-cp", System.getProperty("java.class.path"), MemoryFootprint.class.getName(),
                subject, Integer.toString(entries), result.toString()));
        System.out.println("# memory: " + subject + ", " + entries + " entries");
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("memory footprint of " + subject + " failed: exit " + p.exitValue());
        }
    }
}
