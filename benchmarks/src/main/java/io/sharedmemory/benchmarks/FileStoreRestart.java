package io.sharedmemory.benchmarks;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.json.Json;
import io.sharedmemory.store.file.FileStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The file store's restart and disk figures: writes N small entries (the fixtures' keys and values) through the engine
 * on a {@link FileStore} (BATCHED, the defaults), then
 * <ul>
 *   <li>restarts as the store left itself (the newest automatic snapshot plus the log after it), three times;</li>
 *   <li>snapshots ({@link FileStore#snapshot()}), measures the directory (bytes per entry: the snapshot, and all the
 *       directory holds), and restarts from the snapshot, three times.</li>
 * </ul>
 * A restart is {@code SharedMemory.create} to return (lock, read, replay into the in-memory tables), timed in this JVM,
 * which is fresh (started by {@link BenchmarkMain}); each restart checks that all N entries are back.
 *
 * <p>Usage: {@code FileStoreRestart <entries> <directory> <out.json>}
 */
public final class FileStoreRestart {
    private FileStoreRestart() {
    }

    public static void main(String[] args) throws IOException {
        int n = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        Path out = Path.of(args[2]);
        if (Files.exists(dir)) {
            EngineSubject.deleteTree(dir);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("entries", n);

        long t0 = System.nanoTime();
        SharedMemory m = open(dir);
        m.createNamespace(Fixtures.NAMESPACE, NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        for (int i = 0; i < n; i++) {
            EngineSubject.check(m.write(Fixtures.NAMESPACE, Fixtures.key(i), Fixtures.value(i), Fixtures.AGENT));
        }
        m.destroy();
        result.put("writeSeconds", seconds(System.nanoTime() - t0));
        result.put("directoryBytesAsLeft", size(dir));
        result.put("restartAsLeftSeconds", restarts(dir, n));

        FileStore store = FileStore.open(dir);
        SharedMemory s = SharedMemory.create(SharedMemoryOptions.builder().store(store).build());
        if (!store.snapshot()) {
            throw new IllegalStateException("the snapshot failed: " + store.describe());
        }
        s.destroy();
        long snapshot = size(dir, ".snap");
        long total = size(dir);
        result.put("snapshotBytes", snapshot);
        result.put("directoryBytes", total);
        result.put("snapshotBytesPerEntry", round(snapshot / (double) n));
        result.put("directoryBytesPerEntry", round(total / (double) n));
        result.put("restartFromSnapshotSeconds", restarts(dir, n));
        EngineSubject.deleteTree(dir);

        String json = Json.write(result) + System.lineSeparator();
        Files.writeString(out, json, StandardCharsets.UTF_8);
        System.out.print(json);
    }

    private static SharedMemory open(Path dir) {
        return SharedMemory.create(SharedMemoryOptions.builder().store(FileStore.open(dir)).build());
    }

    /** @return the median of three timed restarts, in seconds, each checked to bring back every entry */
    private static BigDecimal restarts(Path dir, int n) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            System.gc();
            long t = System.nanoTime();
            SharedMemory m = open(dir);
            times.add(System.nanoTime() - t);
            int count = m.getKeys(Fixtures.NAMESPACE, Fixtures.AGENT).size();
            if (count != n) {
                throw new IllegalStateException("the restart brought back " + count + " entries of " + n);
            }
            m.destroy();
        }
        Collections.sort(times);
        return seconds(times.get(1));
    }

    private static BigDecimal seconds(long nanos) {
        return BigDecimal.valueOf(nanos / 1e9).setScale(3, RoundingMode.HALF_EVEN);
    }

    private static BigDecimal round(double v) {
        return BigDecimal.valueOf(v).setScale(1, RoundingMode.HALF_EVEN);
    }

    private static long size(Path dir) {
        return size(dir, "");
    }

    private static long size(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
