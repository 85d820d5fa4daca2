package io.sharedmemory.benchmarks;

import io.sharedmemory.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Turns JMH's JSON results ({@code jmh-*.json}) and the footprint results ({@code memory-*.json}) into
 * {@code summary.json} — one object per measurement — and {@code summary.md}, the tables with the ratios the targets
 * talk about. Runnable on its own: {@code Summary <dir>}.
 */
public final class Summary {
    private static final List<String> SUBJECTS = List.of(Subject.ENGINE, Subject.CHM, Subject.IMAP);
    private static final List<String> ALLOC_WORKLOADS = List.of("read", "write", "merge", "cas");

    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final Map<String, String> machine = new LinkedHashMap<>();

    private Summary() {
    }

    public static void main(String[] args) throws IOException {
        write(Path.of(args.length > 0 ? args[0] : "benchmarks/target"), "as found");
    }

    static void write(Path dir, String settings) throws IOException {
        Summary s = new Summary();
        s.machine(dir);
        for (String f : List.of("jmh-threads-1.json", "jmh-threads-1-merge-cas.json", "jmh-threads-1-imap.json",
                "jmh-threads-2.json", "jmh-threads-2-merge-cas.json", "jmh-threads-2-imap.json",
                "jmh-audit-scaling-threads-1.json", "jmh-audit-scaling-threads-2.json", "jmh-fan-out.json",
                "jmh-fan-out-imap.json", "jmh-sync-threads-1.json", "jmh-sync-threads-16.json",
                "jmh-hazelcast-cluster-threads-1.json", "jmh-hazelcast-cluster-threads-2.json")) {
            Path p = dir.resolve(f);
            if (Files.exists(p) && Files.size(p) > 0) {
                s.readJmh(p);
            }
        }
        for (String subject : SUBJECTS) {
            Path p = dir.resolve("memory-" + subject + ".json");
            if (Files.exists(p) && Files.size(p) > 0) {
                s.readFootprint(p);
            }
        }
        s.readFileStore(dir);
        Files.writeString(dir.resolve("summary.json"), Json.pretty(forJson(s.rows)) + "\n", StandardCharsets.UTF_8);
        String md = s.markdown(settings) + hashFlood(dir.resolve("jmh-hash-flood.json"));
        Files.writeString(dir.resolve("summary.md"), md, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(md);
        System.out.println("wrote " + dir.resolve("summary.json") + " and " + dir.resolve("summary.md"));
    }

    /**
     * The hardening section: milliseconds to write 16 384 keys of one hash code against as many ordinary ones, into a
     * fresh namespace with one subscriber (HashFlood); empty when that benchmark did not run.
     */
    @SuppressWarnings("unchecked")
    static String hashFlood(Path file) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            return "";
        }
        Map<String, Double> ms = new LinkedHashMap<>();
        for (Object o : (List<Object>) Json.parse(withoutNaN(Files.readString(file)))) {
            Map<String, Object> r = (Map<String, Object>) o;
            Map<String, Object> params = (Map<String, Object>) r.getOrDefault("params", Map.of());
            Map<String, Object> primary = (Map<String, Object>) r.get("primaryMetric");
            ms.put(String.valueOf(params.get("keys")), ((Number) primary.get("score")).doubleValue());
        }
        Double colliding = ms.get("colliding");
        Double ordinary = ms.get("ordinary");
        return "\n## hash flooding (16 384 keys written into a fresh namespace with one subscriber)\n\n"
                + "| keys | ms per 16 384 writes |\n|---|---:|\n"
                + "| one String.hashCode (\"Aa\"/\"BB\" blocks) | " + num(colliding, "%.1f") + " |\n"
                + "| ordinary, same length | " + num(ordinary, "%.1f") + " |\n"
                + "| colliding / ordinary | " + x(ratio(colliding, ordinary)) + " |\n";
    }

    // ---------------------------------------------------------------- reading

    private void machine(Path dir) throws IOException {
        machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        machine.put("cpu", firstLine(Path.of("/proc/cpuinfo"), "model name"));
        String mem = firstLine(Path.of("/proc/meminfo"), "MemTotal");
        if (mem != null) {
            machine.put("memory", Math.round(Long.parseLong(mem.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0) + " GiB");
        }
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        Instant date = Instant.now();
        for (String f : List.of("jmh-threads-1.json", "jmh-fan-out.json", "memory-engine.json")) {
            if (Files.exists(dir.resolve(f))) {
                date = Files.getLastModifiedTime(dir.resolve(f)).toInstant();
                break;
            }
        }
        machine.put("date", date.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    private static String firstLine(Path file, String prefix) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(prefix)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave it out
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private void readJmh(Path file) throws IOException {
        List<Object> results = (List<Object>) Json.parse(withoutNaN(Files.readString(file)));
        for (Object o : results) {
            Map<String, Object> r = (Map<String, Object>) o;
            String bench = (String) r.get("benchmark");
            String method = bench.substring(bench.lastIndexOf('.') + 1);
            String cls = bench.substring(0, bench.lastIndexOf('.'));
            cls = cls.substring(cls.lastIndexOf('.') + 1);
            int threads = ((Number) r.get("threads")).intValue();
            Map<String, Object> params = (Map<String, Object>) r.getOrDefault("params", Map.of());
            Map<String, Object> primary = (Map<String, Object>) r.get("primaryMetric");
            Map<String, Object> secondary = (Map<String, Object>) r.getOrDefault("secondaryMetrics", Map.of());
            double score = ((Number) primary.get("score")).doubleValue();
            Double error = primary.get("scoreError") instanceof Number n ? n.doubleValue() : null; // < 3 iterations
            Double alloc = metric(secondary, "gc.alloc.rate.norm");

            Map<String, Object> row = new LinkedHashMap<>();
            switch (cls) {
                case "Workloads" -> {
                    row.put("workload", method);
                    row.put("subject", params.get("subject"));
                }
                case "ClusterWorkloads" -> {
                    row.put("workload", "cluster-" + method);
                    row.put("subject", params.get("subject"));
                }
                case "AuditScaling" -> {
                    row.put("workload", "audit-scaling");
                    row.put("subject", Subject.ENGINE);
                    row.put("variant", "maxLogSize=" + params.get("maxLogSize"));
                }
                case "FanOut" -> {
                    row.put("workload", "fan-out");
                    row.put("subject", params.get("subject"));
                    row.put("variant", "subscribers=" + params.get("subscribers"));
                }
                default -> {
                    continue;
                }
            }
            row.put("threads", threads);
            row.put("opsPerSecond", score);
            row.put("opsPerSecondError", error);
            Double cpu = metric(secondary, "cpuNanos");
            Double wall = metric(secondary, "wallNanos");
            if (cpu != null && wall != null && cpu > 0) {
                row.put("cpuCoresBusy", cpu / wall);
                row.put("opsPerCpuSecond", score * wall / cpu);
            }
            if (method.equals("cas")) {
                Double retries = metric(secondary, "retries");
                row.put("retriesPerOp", retries == null ? null : retries / score);
            }
            if (cls.equals("FanOut")) {
                Double writes = metric(secondary, "writes");
                Double nanos = metric(secondary, "writerNanos");
                row.put("deliveriesPerSecond", metric(secondary, "deliveries"));
                row.put("writerOpsPerSecond", writes == null || nanos == null || nanos == 0 ? null
                        : writes / nanos * 1e9);
                row.put("overflows", metric(secondary, "overflows"));
            }
            row.put("bytesPerOp", alloc);
            rows.add(row);
            if (cls.equals("Workloads") && threads == 1 && alloc != null) {
                Map<String, Object> mem = new LinkedHashMap<>();
                mem.put("workload", "memory");
                mem.put("subject", params.get("subject"));
                mem.put("variant", "allocated-per-" + method);
                mem.put("threads", threads);
                mem.put("opsPerSecond", score);
                mem.put("bytesPerOp", alloc);
                rows.add(mem);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Double metric(Map<String, Object> secondary, String suffix) {
        for (Map.Entry<String, Object> e : secondary.entrySet()) {
            if (e.getKey().endsWith(suffix)) {
                Object score = ((Map<String, Object>) e.getValue()).get("score");
                return score instanceof Number n ? n.doubleValue() : null;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private void readFootprint(Path file) throws IOException {
        Map<String, Object> m = Json.parseObject(Files.readString(file));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("workload", "memory");
        row.put("subject", m.get("subject"));
        row.put("variant", "retained-" + ((Number) m.get("entries")).longValue() + "-entries");
        row.put("threads", 1);
        row.put("opsPerSecond", null);
        row.put("bytesPerEntry", ((Number) m.get("bytesPerEntry")).doubleValue());
        rows.add(row);
    }

    /** The file store's fsync probe and restart figures, as rows of their own. */
    private void readFileStore(Path dir) throws IOException {
        Path fsync = dir.resolve("fsync.json");
        if (Files.exists(fsync) && Files.size(fsync) > 0) {
            Map<String, Object> m = Json.parseObject(Files.readString(fsync));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("workload", "fsync-latency");
            row.put("subject", "dd");
            row.put("variant", m.get("command"));
            row.put("threads", 1);
            row.put("opsPerSecond", 1000 / ((Number) m.get("msPerWrite")).doubleValue());
            row.put("msPerWrite", ((Number) m.get("msPerWrite")).doubleValue());
            rows.add(row);
        }
        Path restart = dir.resolve("restart-file.json");
        if (Files.exists(restart) && Files.size(restart) > 0) {
            Map<String, Object> m = Json.parseObject(Files.readString(restart));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("workload", "restart");
            row.put("subject", Subject.ENGINE_FILE);
            row.put("variant", ((Number) m.get("entries")).longValue() + "-entries");
            row.put("threads", 1);
            row.put("opsPerSecond", null);
            for (String f : List.of("writeSeconds", "restartAsLeftSeconds", "restartFromSnapshotSeconds",
                    "directoryBytesAsLeft", "snapshotBytes", "directoryBytes", "snapshotBytesPerEntry",
                    "directoryBytesPerEntry")) {
                row.put(f, m.get(f) instanceof Number n ? n.doubleValue() : null);
            }
            rows.add(row);
        }
    }

    /**
     * JMH writes a score it could not compute (an error with fewer than three iterations) as a bare {@code NaN}, which
     * is not JSON: read as null, "no figure", as the summary treats it.
     */
    static String withoutNaN(String jmhJson) {
        return jmhJson.replaceAll("([\\[:,]\\s*)-?(NaN|Infinity)(?=\\s*[,\\]}])", "$1null");
    }

    /** The rows as JSON values: whole doubles as integers, others to four decimals, missing figures as null. */
    static Object forJson(Object v) {
        if (v instanceof Double d) {
            if (!Double.isFinite(d)) {
                return null;
            }
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) d.longValue()
                    : BigDecimal.valueOf(d).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros();
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, e) -> out.put(k, forJson(e)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(Summary::forJson).collect(java.util.stream.Collectors.toList());
        }
        return v;
    }

    // ---------------------------------------------------------------- lookups

    private Map<String, Object> find(String workload, String subject, int threads, String variant) {
        for (Map<String, Object> r : rows) {
            if (r.get("workload").equals(workload) && Objects.equals(r.get("subject"), subject)
                    && ((Integer) r.get("threads")) == threads && Objects.equals(r.get("variant"), variant)) {
                return r;
            }
        }
        return null;
    }

    private Double get(String workload, String subject, int threads, String variant, String field) {
        Map<String, Object> r = find(workload, subject, threads, variant);
        return r == null ? null : (Double) r.get(field);
    }

    private Double ops(String workload, String subject, int threads) {
        return get(workload, subject, threads, null, "opsPerSecond");
    }

    private Double cpuOps(String workload, String subject, int threads) {
        return get(workload, subject, threads, null, "opsPerCpuSecond");
    }

    private Double cpuOps(String workload, String subject, int threads, String variant) {
        return get(workload, subject, threads, variant, "opsPerCpuSecond");
    }

    private static Double ratio(Double a, Double b) {
        return a == null || b == null || b == 0 ? null : a / b;
    }

    // ---------------------------------------------------------------- formatting

    static String rate(Double v) {
        if (v == null) {
            return "–";
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    static String x(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.2f×", v);
    }

    static String num(Double v, String fmt) {
        return v == null ? "–" : String.format(Locale.ROOT, fmt, v);
    }

    private String markdown(String settings) {
        StringBuilder b = new StringBuilder();
        b.append("# sharedmemory benchmarks\n\n");
        b.append("Machine: ").append(machine.get("cores")).append(" cores");
        if (machine.get("cpu") != null) {
            b.append(" (").append(machine.get("cpu")).append(')');
        }
        if (machine.get("memory") != null) {
            b.append(", ").append(machine.get("memory"));
        }
        b.append(", ").append(machine.get("os")).append(", ").append(machine.get("jdk")).append(", ")
                .append(machine.get("date")).append(".\n");
        b.append("Settings: ").append(settings).append(". Throughput in operations per second (M = million), ")
                .append("higher is better; ratios are within this run.\n\n");

        b.append("## read, write, merge, cas (10 000 keys; cas: 16 contended keys)\n\n");
        b.append("| workload | threads | engine | concurrent-hash-map | hazelcast-imap | engine / CHM | engine / IMap |"
                + " cas retries per op (engine / CHM / IMap) |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (String w : ALLOC_WORKLOADS) {
            for (int t : new int[] {1, 2}) {
                Double e = ops(w, Subject.ENGINE, t);
                Double c = ops(w, Subject.CHM, t);
                Double h = ops(w, Subject.IMAP, t);
                if (e == null && c == null && h == null) {
                    continue;
                }
                String retries = w.equals("cas")
                        ? num(get(w, Subject.ENGINE, t, null, "retriesPerOp"), "%.3f") + " / "
                        + num(get(w, Subject.CHM, t, null, "retriesPerOp"), "%.3f") + " / "
                        + num(get(w, Subject.IMAP, t, null, "retriesPerOp"), "%.3f")
                        : "";
                b.append("| ").append(w).append(" | ").append(t).append(" | ").append(rate(e)).append(" | ")
                        .append(rate(c)).append(" | ").append(rate(h)).append(" | ").append(x(ratio(e, c)))
                        .append(" | ").append(x(ratio(e, h))).append(" | ").append(retries).append(" |\n");
            }
        }

        b.append("\nThe same per CPU-second of the benchmark JVM (all its threads; steadier than wall-clock when other work"
                + " shares the machine) and the cores the JVM kept busy:\n\n");
        b.append("| workload | threads | engine | concurrent-hash-map | hazelcast-imap | engine / CHM | engine / IMap |"
                + " cores busy (engine / CHM / IMap) |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (String w : ALLOC_WORKLOADS) {
            for (int t : new int[] {1, 2}) {
                Double e = cpuOps(w, Subject.ENGINE, t);
                Double c = cpuOps(w, Subject.CHM, t);
                Double h = cpuOps(w, Subject.IMAP, t);
                if (e == null && c == null && h == null) {
                    continue;
                }
                b.append("| ").append(w).append(" | ").append(t).append(" | ").append(rate(e)).append(" | ")
                        .append(rate(c)).append(" | ").append(rate(h)).append(" | ").append(x(ratio(e, c)))
                        .append(" | ").append(x(ratio(e, h))).append(" | ")
                        .append(num(get(w, Subject.ENGINE, t, null, "cpuCoresBusy"), "%.2f")).append(" / ")
                        .append(num(get(w, Subject.CHM, t, null, "cpuCoresBusy"), "%.2f")).append(" / ")
                        .append(num(get(w, Subject.IMAP, t, null, "cpuCoresBusy"), "%.2f")).append(" |\n");
            }
        }

        b.append("\n## hazelcast-cluster (3 members on loopback in one JVM, 1 synchronous backup; operations through"
                + " member 0)\n\n");
        b.append("| workload | threads | engine on the cluster store | IMap (get / entry processor) | engine / IMap |"
                + " same, per CPU-second | in-memory engine, for scale |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (String w : List.of("read", "write")) {
            for (int t : new int[] {1, 2}) {
                Double e = ops("cluster-" + w, ClusterWorkloads.ENGINE_ON_CLUSTER, t);
                Double h = ops("cluster-" + w, ClusterWorkloads.IMAP_ON_CLUSTER, t);
                if (e == null && h == null) {
                    continue;
                }
                b.append("| ").append(w).append(" | ").append(t).append(" | ").append(rate(e)).append(" | ")
                        .append(rate(h)).append(" | ").append(x(ratio(e, h))).append(" | ")
                        .append(x(ratio(cpuOps("cluster-" + w, ClusterWorkloads.ENGINE_ON_CLUSTER, t),
                                cpuOps("cluster-" + w, ClusterWorkloads.IMAP_ON_CLUSTER, t)))).append(" | ")
                        .append(rate(ops(w, Subject.ENGINE, t))).append(" |\n");
            }
        }

        b.append("\n## audit-scaling (engine writes, access log filled to capacity)\n\n");
        b.append("| threads | maxLogSize 1 000 | 100 000 | 1 000 000 | 1 000 000 / 1 000 | same, per CPU-second |\n"
                + "|---:|---:|---:|---:|---:|---:|\n");
        for (int t : new int[] {1, 2}) {
            Double a = get("audit-scaling", Subject.ENGINE, t, "maxLogSize=1000", "opsPerSecond");
            Double m = get("audit-scaling", Subject.ENGINE, t, "maxLogSize=100000", "opsPerSecond");
            Double z = get("audit-scaling", Subject.ENGINE, t, "maxLogSize=1000000", "opsPerSecond");
            if (a != null || m != null || z != null) {
                b.append("| ").append(t).append(" | ").append(rate(a)).append(" | ").append(rate(m)).append(" | ")
                        .append(rate(z)).append(" | ").append(x(ratio(z, a))).append(" | ")
                        .append(x(ratio(cpuOps("audit-scaling", Subject.ENGINE, t, "maxLogSize=1000000"),
                                cpuOps("audit-scaling", Subject.ENGINE, t, "maxLogSize=1000")))).append(" |\n");
            }
        }

        b.append("\n## fan-out (one writer; bursts of ").append(FanOut.BURST)
                .append(" writes, then wait until every subscriber has them)\n\n");
        b.append("| subject | subscribers | writes/s delivered to all | deliveries/s | writer's own writes/s |"
                + " writer vs 0 subscribers | overflows |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (String subject : List.of(Subject.ENGINE, Subject.IMAP)) {
            Double base = get("fan-out", subject, 1, "subscribers=0", "writerOpsPerSecond");
            for (int n : new int[] {0, 1, 10, 100}) {
                Map<String, Object> r = find("fan-out", subject, 1, "subscribers=" + n);
                if (r == null) {
                    continue;
                }
                Double w = (Double) r.get("writerOpsPerSecond");
                b.append("| ").append(subject).append(" | ").append(n).append(" | ")
                        .append(rate((Double) r.get("opsPerSecond"))).append(" | ")
                        .append(n == 0 ? "–" : rate((Double) r.get("deliveriesPerSecond"))).append(" | ")
                        .append(rate(w)).append(" | ").append(x(ratio(w, base))).append(" | ")
                        .append(num((Double) r.get("overflows"), "%.0f")).append(" |\n");
            }
        }

        b.append("\n## memory\n\n");
        String retained = rows.stream().filter(r -> "memory".equals(r.get("workload"))
                        && String.valueOf(r.get("variant")).startsWith("retained-"))
                .map(r -> (String) r.get("variant")).findFirst().orElse(null);
        if (retained != null) {
            Double e = get("memory", Subject.ENGINE, 1, retained, "bytesPerEntry");
            Double c = get("memory", Subject.CHM, 1, retained, "bytesPerEntry");
            b.append("Retained heap per entry (").append(retained.replace("retained-", "").replace("-", " "))
                    .append(", live heap after full GC, serial collector): engine ").append(num(e, "%.0f"))
                    .append(" B, concurrent-hash-map ").append(num(c, "%.0f")).append(" B, difference ")
                    .append(num(e == null || c == null ? null : e - c, "%.0f")).append(" B per entry.\n\n");
        }
        b.append("Bytes allocated per operation (JMH gc profiler, gc.alloc.rate.norm, 1 thread):\n\n");
        b.append("| operation | engine | concurrent-hash-map | hazelcast-imap |\n|---|---:|---:|---:|\n");
        for (String w : ALLOC_WORKLOADS) {
            b.append("| ").append(w);
            for (String subject : SUBJECTS) {
                b.append(" | ").append(num(get("memory", subject, 1, "allocated-per-" + w, "bytesPerOp"), "%.0f"));
            }
            b.append(" |\n");
        }

        fileStore(b);

        b.append("\n## targets\n\nJudged on the wall-clock figures; the last column is the same figure per CPU-second"
                + " (what it would be if the benchmark had the cores to itself; for the 2-thread scaling target,"
                + " 2 × the per-CPU throughput at 2 threads over that at 1), for a machine shared with other"
                + " work.\n\n| target | measured | result | per CPU-second |\n|---|---:|---|---:|\n");
        target(b, "engine read, 1 thread ≥ 5 M ops/s", ops("read", Subject.ENGINE, 1),
                cpuOps("read", Subject.ENGINE, 1), v -> v >= 5e6, Summary::rate);
        // per CPU-second: what two threads would give with two free cores, 2 × (per-CPU throughput at 2 / at 1)
        Double eff = ratio(cpuOps("read", Subject.ENGINE, 2), cpuOps("read", Subject.ENGINE, 1));
        target(b, "engine read, 2 threads ≥ 1.6 × 1 thread", ratio(ops("read", Subject.ENGINE, 2),
                ops("read", Subject.ENGINE, 1)), eff == null ? null : 2 * eff, v -> v >= 1.6, Summary::x);
        target(b, "engine write, 1 thread ≥ 2 M ops/s", ops("write", Subject.ENGINE, 1),
                cpuOps("write", Subject.ENGINE, 1), v -> v >= 2e6, Summary::rate);
        for (int t : new int[] {1, 2}) {
            target(b, "engine / CHM read, " + t + " thread(s) ≥ 0.2×",
                    ratio(ops("read", Subject.ENGINE, t), ops("read", Subject.CHM, t)),
                    ratio(cpuOps("read", Subject.ENGINE, t), cpuOps("read", Subject.CHM, t)),
                    v -> v >= 0.2, Summary::x);
        }
        for (String w : List.of("read", "write")) {
            for (int t : new int[] {1, 2}) {
                target(b, "engine / IMap " + w + ", " + t + " thread(s) ≥ 3×",
                        ratio(ops(w, Subject.ENGINE, t), ops(w, Subject.IMAP, t)),
                        ratio(cpuOps(w, Subject.ENGINE, t), cpuOps(w, Subject.IMAP, t)), v -> v >= 3, Summary::x);
            }
        }
        for (int t : new int[] {1, 2}) {
            target(b, "cluster: engine read / IMap get, " + t + " thread(s) ≥ 0.8×",
                    ratio(ops("cluster-read", ClusterWorkloads.ENGINE_ON_CLUSTER, t),
                            ops("cluster-read", ClusterWorkloads.IMAP_ON_CLUSTER, t)),
                    ratio(cpuOps("cluster-read", ClusterWorkloads.ENGINE_ON_CLUSTER, t),
                            cpuOps("cluster-read", ClusterWorkloads.IMAP_ON_CLUSTER, t)), v -> v >= 0.8, Summary::x);
            target(b, "cluster: engine write / IMap entry processor, " + t + " thread(s) ≥ 0.6×",
                    ratio(ops("cluster-write", ClusterWorkloads.ENGINE_ON_CLUSTER, t),
                            ops("cluster-write", ClusterWorkloads.IMAP_ON_CLUSTER, t)),
                    ratio(cpuOps("cluster-write", ClusterWorkloads.ENGINE_ON_CLUSTER, t),
                            cpuOps("cluster-write", ClusterWorkloads.IMAP_ON_CLUSTER, t)), v -> v >= 0.6, Summary::x);
        }
        for (int t : new int[] {1, 2}) {
            target(b, "audit-scaling 1 000 000 / 1 000, " + t + " thread(s) ≥ 0.9×",
                    ratio(get("audit-scaling", Subject.ENGINE, t, "maxLogSize=1000000", "opsPerSecond"),
                            get("audit-scaling", Subject.ENGINE, t, "maxLogSize=1000", "opsPerSecond")),
                    ratio(cpuOps("audit-scaling", Subject.ENGINE, t, "maxLogSize=1000000"),
                            cpuOps("audit-scaling", Subject.ENGINE, t, "maxLogSize=1000")),
                    v -> v >= 0.9, Summary::x);
        }
        target(b, "fan-out, 100 subscribers ≥ 5 M deliveries/s",
                get("fan-out", Subject.ENGINE, 1, "subscribers=100", "deliveriesPerSecond"), null, v -> v >= 5e6,
                Summary::rate);
        target(b, "fan-out, writer with 100 subscribers ≥ 0.5 × with none",
                ratio(get("fan-out", Subject.ENGINE, 1, "subscribers=100", "writerOpsPerSecond"),
                        get("fan-out", Subject.ENGINE, 1, "subscribers=0", "writerOpsPerSecond")),
                null, v -> v >= 0.5, Summary::x);
        for (String w : List.of("write", "read")) {
            for (int t : new int[] {1, 2}) {
                double min = w.equals("write") ? 0.7 : 0.95;
                target(b, "file store (BATCHED) / in-memory engine " + w + ", " + t + " thread(s) ≥ " + min + "×",
                        ratio(ops(w, Subject.ENGINE_FILE, t), ops(w, Subject.ENGINE, t)),
                        ratio(cpuOps(w, Subject.ENGINE_FILE, t), cpuOps(w, Subject.ENGINE, t)), v -> v >= min,
                        Summary::x);
            }
        }
        target(b, "file store SYNC write, 16 threads ≥ 10 × 1 thread", ratio(ops("write", Subject.ENGINE_FILE_SYNC,
                16), ops("write", Subject.ENGINE_FILE_SYNC, 1)), null, v -> v >= 10, Summary::x);
        if (retained != null) {
            Double e = get("memory", Subject.ENGINE, 1, retained, "bytesPerEntry");
            Double c = get("memory", Subject.CHM, 1, retained, "bytesPerEntry");
            target(b, "retained heap ≤ 150 B per entry above CHM", e == null || c == null ? null : e - c, null,
                    v -> v <= 150, v -> num(v, "%.0f B"));
        }
        return b.toString();
    }

    /** The durable store: its figures beside the in-memory engine's, SYNC with the device's latency, restart, disk. */
    private void fileStore(StringBuilder b) {
        b.append("\n## file store (the engine on the durable store)\n\n");
        b.append("BATCHED (acknowledged once the OS has the record, forced every second) beside the in-memory engine,"
                + " same run:\n\n");
        b.append("| workload | threads | engine (memory) | engine-file (BATCHED) | file / memory | same, per CPU-second |"
                + " bytes allocated per op (memory / file) |\n|---|---:|---:|---:|---:|---:|---|\n");
        for (String w : List.of("read", "write")) {
            for (int t : new int[] {1, 2}) {
                Double m = ops(w, Subject.ENGINE, t);
                Double f = ops(w, Subject.ENGINE_FILE, t);
                if (f == null) {
                    continue;
                }
                b.append("| ").append(w).append(" | ").append(t).append(" | ").append(rate(m)).append(" | ")
                        .append(rate(f)).append(" | ").append(x(ratio(f, m))).append(" | ")
                        .append(x(ratio(cpuOps(w, Subject.ENGINE_FILE, t), cpuOps(w, Subject.ENGINE, t))))
                        .append(" | ").append(num(get(w, Subject.ENGINE, t, null, "bytesPerOp"), "%.0f"))
                        .append(" / ").append(num(get(w, Subject.ENGINE_FILE, t, null, "bytesPerOp"), "%.0f"))
                        .append(" |\n");
            }
        }
        Double one = ops("write", Subject.ENGINE_FILE_SYNC, 1);
        Double sixteen = ops("write", Subject.ENGINE_FILE_SYNC, 16);
        Map<String, Object> dd = rows.stream().filter(r -> "fsync-latency".equals(r.get("workload"))).findFirst()
                .orElse(null);
        Double latency = dd == null ? null : (Double) dd.get("msPerWrite");
        if (one != null || sixteen != null) {
            b.append("\nSYNC (acknowledged once forced to disk; concurrent writers share a force). The device: ")
                    .append(latency == null ? "not measured" : num(latency, "%.3f") + " ms per synchronous 512-byte "
                            + "write (`" + dd.get("variant") + "`)").append(".\n\n");
            b.append("| threads | writes/s | vs 1 thread | bound: threads ÷ fsync latency | of the bound |\n"
                    + "|---:|---:|---:|---:|---:|\n");
            for (int t : new int[] {1, 16}) {
                Double w = ops("write", Subject.ENGINE_FILE_SYNC, t);
                Double bound = latency == null ? null : t * 1000 / latency;
                b.append("| ").append(t).append(" | ").append(rate(w)).append(" | ").append(x(ratio(w, one)))
                        .append(" | ").append(rate(bound)).append(" | ")
                        .append(num(ratio(w, bound) == null ? null : 100 * ratio(w, bound), "%.0f %%")).append(" |\n");
            }
        }
        Map<String, Object> r = rows.stream().filter(x -> "restart".equals(x.get("workload"))).findFirst()
                .orElse(null);
        if (r != null) {
            b.append("\nRestart and disk (").append(String.valueOf(r.get("variant")).replace("-", " "))
                    .append(", written through the engine in ").append(num((Double) r.get("writeSeconds"), "%.1f"))
                    .append(" s): restart as the store left itself (automatic snapshot + log) ")
                    .append(num((Double) r.get("restartAsLeftSeconds"), "%.2f")).append(" s (directory ")
                    .append(num(mib((Double) r.get("directoryBytesAsLeft")), "%.0f")).append(" MiB); after a snapshot ")
                    .append(num((Double) r.get("restartFromSnapshotSeconds"), "%.2f")).append(" s, the snapshot ")
                    .append(num((Double) r.get("snapshotBytesPerEntry"), "%.0f")).append(" B per entry, the directory ")
                    .append(num((Double) r.get("directoryBytesPerEntry"), "%.0f"))
                    .append(" B per entry (median of 3 restarts each).\n");
        }
    }

    private static Double mib(Double bytes) {
        return bytes == null ? null : bytes / (1 << 20);
    }

    private static void target(StringBuilder b, String name, Double value, Double perCpu, Predicate<Double> pass,
                               java.util.function.Function<Double, String> fmt) {
        b.append("| ").append(name).append(" | ").append(fmt.apply(value)).append(" | ")
                .append(value == null ? "not measured" : pass.test(value) ? "**pass**" : "**MISS**").append(" | ")
                .append(perCpu == null ? "" : fmt.apply(perCpu) + (pass.test(perCpu) ? " (pass)" : " (miss)"))
                .append(" |\n");
    }
}
