package io.sharedmemory.benchmarks;

import static io.sharedmemory.benchmarks.Fixtures.AGENT;
import static io.sharedmemory.benchmarks.Fixtures.MERGE_NAMESPACE;
import static io.sharedmemory.benchmarks.Fixtures.NAMESPACE;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.store.file.Durability;
import io.sharedmemory.store.file.FileStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The engine as a user gets it: {@link SharedMemory#create} with the default plugins found by ServiceLoader (strategies,
 * permission provider, in-memory audit log), audit on, no listeners; on the in-memory store, or on the durable file
 * store in a fresh directory ({@link #onFile}).
 */
final class EngineSubject implements Subject {
    final SharedMemory memory;
    /** The file store's directory, deleted at close; null for the in-memory store. */
    private final Path directory;

    EngineSubject(int maxLogSize) {
        this(SharedMemoryOptions.builder().maxLogSize(maxLogSize), null);
    }

    /** The engine on a file store in a fresh directory under {@value #DIRECTORY_PROPERTY} (benchmarks' target). */
    static EngineSubject onFile(int maxLogSize, Durability durability) {
        Path dir = Path.of(System.getProperty(DIRECTORY_PROPERTY, "benchmarks/target/stores"))
                .resolve(durability.name().toLowerCase(Locale.ROOT) + "-" + ProcessHandle.current().pid()
                        + "-" + System.nanoTime());
        return new EngineSubject(SharedMemoryOptions.builder().maxLogSize(maxLogSize)
                .store(FileStore.open(dir, durability)), dir);
    }

    /** Where the file-store subjects keep their directories (BenchmarkMain passes its output directory's). */
    static final String DIRECTORY_PROPERTY = "sharedmemory.bench.dir";

    private EngineSubject(SharedMemoryOptions.Builder options, Path directory) {
        this.directory = directory;
        memory = SharedMemory.create(options.build());
        memory.createNamespace(NAMESPACE, NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        memory.createNamespace(MERGE_NAMESPACE, NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy(NamespaceConfig.MERGE).build());
    }

    @Override
    public void preload() {
        for (int i = 0; i < Fixtures.KEYS; i++) {
            check(memory.write(NAMESPACE, Fixtures.KEY[i], Fixtures.VALUE.get(i), AGENT));
            check(memory.write(MERGE_NAMESPACE, Fixtures.KEY[i], Fixtures.VALUE.get(i), AGENT));
        }
        if (memory.read(NAMESPACE, Fixtures.KEY[0], AGENT) == null) {
            throw new IllegalStateException("engine returned null for a key just written");
        }
        Map<String, Object> merged = memory.read(MERGE_NAMESPACE, Fixtures.KEY[0], AGENT);
        check(memory.write(MERGE_NAMESPACE, Fixtures.KEY[0], Fixtures.PATCH.get(0), AGENT));
        Map<String, Object> after = memory.read(MERGE_NAMESPACE, Fixtures.KEY[0], AGENT);
        if (!after.equals(Fixtures.merged(merged, Fixtures.PATCH.get(0)))) {
            throw new IllegalStateException("merge strategy did not merge: " + merged + " + patch -> " + after);
        }
    }

    static WriteResult check(WriteResult r) {
        if (!r.isWritten()) {
            throw new IllegalStateException("engine refused a benchmark write: " + r);
        }
        return r;
    }

    @Override
    public Object read(String key) {
        return memory.read(NAMESPACE, key, AGENT);
    }

    @Override
    public Object write(String key, Map<String, Object> value) {
        return memory.write(NAMESPACE, key, value, AGENT);
    }

    @Override
    public Object merge(String key, Map<String, Object> patch) {
        return memory.write(MERGE_NAMESPACE, key, patch, AGENT);
    }

    @Override
    public boolean casAttempt(String key, Map<String, Object> value, Blackhole bh) {
        Optional<MemoryEntry> entry = memory.readEntry(NAMESPACE, key, AGENT);
        long version = entry.orElseThrow().version();
        WriteResult r = memory.write(NAMESPACE, key, value, AGENT,
                WriteOptions.builder().expectedVersion(version).build());
        bh.consume(r);
        if (r.isWritten()) {
            return true;
        }
        if (r.status() != WriteResult.Status.VERSION_MISMATCH) {
            throw new IllegalStateException("cas refused for another reason than a version mismatch: " + r);
        }
        return false;
    }

    @Override
    public void close() {
        memory.close();
        if (directory != null) {
            deleteTree(directory);
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
