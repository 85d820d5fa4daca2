package io.sharedmemory.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the whole suite — every workload on every subject, 1 and 2 threads — then writes {@code summary.json} and
 * {@code summary.md} (see {@link Summary}). Started by {@code benchmarks/run}.
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
        List<String> subjects = List.of(Subject.ENGINE, Subject.CHM, Subject.IMAP, ClusterWorkloads.ENGINE_ON_CLUSTER,
                ClusterWorkloads.IMAP_ON_CLUSTER);
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
                jmh("\\.Workloads\\.(read|write)$", only, ratioSubjects, threads, quick, ratioForks,
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
                .result(result.toString());
        try {
            new Runner(o.build()).run();
        } catch (NoBenchmarksException e) {
            Files.deleteIfExists(result);
            System.out.println("# nothing matches --only " + only + " in " + include);
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
