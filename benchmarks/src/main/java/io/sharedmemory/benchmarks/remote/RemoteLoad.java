package io.sharedmemory.benchmarks.remote;

import io.sharedmemory.permissions.ConfiguredAuthenticator;
import io.sharedmemory.permissions.SecretHashes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The load generators of {@code benchmarks/run-remote} that wrk and redis-benchmark cannot play:
 * <ul>
 *   <li>{@code setup DIR AGENTS}: an authenticator configuration for the distribution ({@code DIR/conf}) with
 *       {@code AGENTS} agents {@code agent-0…} and a fresh signing key, and a token per agent in
 *       {@code DIR/tokens.txt} (minted with that key, as {@code sm:token} would);</li>
 *   <li>{@code latency BASE TOKEN RATE SECONDS CONNECTIONS [WARMUP]}: an open-loop load at a fixed rate of
 *       alternating GETs and PUTs of random keys among 10 000; each request is timed from the moment the schedule says
 *       it should start, so a slow answer that delays the next ones is counted against them too (no coordinated
 *       omission); prints p50, p90, p99, p99.9 and the maximum per method. The first {@code WARMUP} seconds (default
 *       0) of the schedule run in the same JVM and are not counted: a client JVM's first half second (its HTTP
 *       client's classes loaded, its code compiled) delays the requests scheduled meanwhile by up to 0.7 s, which a
 *       warm-up in another JVM does not remove;</li>
 *   <li>{@code fanout BASE TOKENS-FILE STREAMS DISTINCT-AGENTS WRITES}: opens {@code STREAMS} change streams (spread over
 *       the first {@code DISTINCT-AGENTS} agents), then one writer makes {@code WRITES} sequential PUTs; prints the
 *       writer's rate, the time until every stream received every change, deliveries per second and gap notices.</li>
 * </ul>
 */
public final class RemoteLoad {
    private static final String VALUE = "{\"value\":{\"owner\":\"agent-3\",\"status\":\"open\",\"priority\":42,"
            + "\"done\":false}}";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private RemoteLoad() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "setup" -> setup(Path.of(args[1]), Integer.parseInt(args[2]));
            case "populate" -> populate(args[1], args[2]);
            case "latency" -> latency(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), args.length > 6 ? Integer.parseInt(args[6]) : 0);
            case "fanout" -> fanout(args[1], Files.readAllLines(Path.of(args[2])), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("usage: RemoteLoad setup|latency|fanout ...");
        }
    }

    private static void setup(Path dir, int agents) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        ConfiguredAuthenticator.Builder b = ConfiguredAuthenticator.builder().signingKey(key)
                .tokenTtl(Duration.ofHours(4));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            String hash = SecretHashes.hash(("secret-" + i).toCharArray(), 1000);
            b.agent("agent-" + i, hash);
            lines.add("\"agent-" + i + "=" + hash + "\"");
        }
        Files.writeString(dir.resolve("conf/io.sharedmemory.authenticator.config"), "agents=[" + String.join(",",
                lines) + "]\nsigningKey=\"" + Base64.getEncoder().encodeToString(key) + "\"\ntokenTtlSeconds=L\"14400\"\n");
        ConfiguredAuthenticator auth = b.build();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            tokens.add(auth.issue("agent-" + i).orElseThrow().token());
        }
        Files.write(dir.resolve("tokens.txt"), tokens);
    }

    /** Writes the 10 000 keys the other loads pick from, over 8 connections. */
    private static void populate(String base, String token) throws Exception {
        AtomicLong next = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            Thread t = new Thread(() -> {
                try {
                    for (long k = next.getAndIncrement(); k < 10_000; k = next.getAndIncrement()) {
                        HttpResponse<Void> r = HTTP.send(put(base, token, (int) k),
                                HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() >= 300) {
                            throw new IllegalStateException("populate task-" + k + ": HTTP " + r.statusCode());
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private static HttpRequest get(String base, String token, int key) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/namespaces/bench/entries/task-" + key))
                .header("Authorization", "Bearer " + token).GET().build();
    }

    private static HttpRequest put(String base, String token, int key) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/namespaces/bench/entries/task-" + key))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(VALUE)).build();
    }

    private static void latency(String base, String token, int rate, int seconds, int connections, int warmup)
            throws Exception {
        int counted = rate * seconds;
        int skipped = rate * warmup;
        int total = skipped + counted;
        long[] getNanos = new long[counted];
        long[] putNanos = new long[counted];
        AtomicLong next = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime() + 200_000_000L;
        CountDownLatch done = new CountDownLatch(connections);
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> {
                java.util.SplittableRandom random = new java.util.SplittableRandom();
                try {
                    for (long i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        long intended = start + i * intervalNanos;
                        for (long wait = intended - System.nanoTime(); wait > 0; wait = intended - System.nanoTime()) {
                            LockSupport.parkNanos(wait);
                        }
                        boolean isGet = (i & 1) == 0;
                        int key = random.nextInt(10_000);
                        HttpResponse<Void> r = HTTP.send(isGet ? get(base, token, key) : put(base, token, key),
                                HttpResponse.BodyHandlers.discarding());
                        long took = System.nanoTime() - intended;
                        if (r.statusCode() >= 300 && !(isGet && r.statusCode() == 404)) {
                            errors.incrementAndGet();
                        }
                        if (i >= skipped) {
                            (isGet ? getNanos : putNanos)[(int) (i - skipped)] = took;
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    errors.incrementAndGet();
                } finally {
                    done.countDown();
                }
            });
            t.start();
        }
        done.await();
        long elapsed = System.nanoTime() - start;
        System.out.printf(Locale.ROOT,
                "latency rate=%d/s seconds=%d (after %d s not counted) connections=%d achieved=%.0f/s errors=%d%n",
                rate, seconds, warmup, connections, total * 1e9 / elapsed, errors.get());
        print("GET", getNanos);
        print("PUT", putNanos);
    }

    private static void print(String method, long[] nanos) {
        long[] v = Arrays.stream(nanos).filter(n -> n > 0).sorted().toArray();
        System.out.printf(Locale.ROOT, "%s n=%d p50=%.2fms p90=%.2fms p99=%.2fms p99.9=%.2fms max=%.2fms%n", method,
                v.length, pct(v, 0.50), pct(v, 0.90), pct(v, 0.99), pct(v, 0.999), v[v.length - 1] / 1e6);
    }

    private static double pct(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static void fanout(String base, List<String> tokens, int streams, int agents, int writes)
            throws Exception {
        AtomicLongArray received = new AtomicLongArray(streams);
        AtomicLong gaps = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(streams);
        List<Stream<String>> open = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            int stream = s;
            String token = tokens.get(s % agents);
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/namespaces/bench/changes"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
            HttpResponse<Stream<String>> r = HTTP.send(req, HttpResponse.BodyHandlers.ofLines());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("stream " + s + ": HTTP " + r.statusCode());
            }
            open.add(r.body());
            Thread reader = new Thread(() -> {
                try {
                    r.body().forEach(line -> {
                        if (line.startsWith("event: ready")) {
                            ready.countDown();
                        } else if (line.startsWith("event: gap")) {
                            gaps.incrementAndGet();
                        } else if (line.startsWith("data: {\"namespace\"") && !line.contains("\"resumed\":")) {
                            received.incrementAndGet(stream);
                        }
                    });
                } catch (RuntimeException closed) {
                    // the benchmark closes its streams at the end
                }
            });
            reader.setDaemon(true);
            reader.start();
        }
        if (!ready.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("streams not ready");
        }
        String token = tokens.get(0);
        long t0 = System.nanoTime();
        for (int i = 0; i < writes; i++) {
            HttpResponse<Void> r = HTTP.send(put(base, token, i % 1000), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException("write " + i + ": HTTP " + r.statusCode());
            }
        }
        long writerNanos = System.nanoTime() - t0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        for (int s = 0; s < streams; s++) {
            while (received.get(s) < writes && gaps.get() == 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
        }
        long allNanos = System.nanoTime() - t0;
        long delivered = 0;
        for (int s = 0; s < streams; s++) {
            delivered += received.get(s);
        }
        System.out.printf(Locale.ROOT, "fanout streams=%d agents=%d writes=%d writer=%.0f/s all-delivered-after=%.2fs "
                        + "deliveries=%d deliveries/s=%.0f gaps=%d%n", streams, agents, writes, writes * 1e9 / writerNanos,
                allNanos / 1e9, delivered, delivered * 1e9 / allNanos, gaps.get());
        open.forEach(Stream::close);
        System.out.flush();
        System.exit(0);
    }
}
