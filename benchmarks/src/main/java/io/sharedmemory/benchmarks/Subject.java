package io.sharedmemory.benchmarks;

import io.sharedmemory.store.file.Durability;
import java.util.Map;

/**
 * One thing being measured: the engine, a bare ConcurrentHashMap, or an embedded Hazelcast IMap, doing the same
 * operations on the same keys and values. Each JMH fork creates exactly one subject, so the call sites stay
 * monomorphic and no subject's profile pollutes another's.
 */
interface Subject extends AutoCloseable {
    /** Names as they appear in the results. */
    String ENGINE = "engine";
    String CHM = "concurrent-hash-map";
    String IMAP = "hazelcast-imap";
    /** The engine on the durable file store, BATCHED (the distribution's default). */
    String ENGINE_FILE = "engine-file";
    /** The engine on the durable file store, SYNC: each write acknowledged once forced to disk. */
    String ENGINE_FILE_SYNC = "engine-file-sync";

    /** Stores every fixture value under its key, in the plain and in the merge map. */
    void preload();

    /** @return the value of a present key (must not be null) */
    Object read(String key);

    /** Latest-wins overwrite. @return the subject's own result (a WriteResult, the old value, ...) */
    Object write(String key, Map<String, Object> value);

    /** Merge the patch's fields into the stored map, atomically. @return the subject's own result */
    Object merge(String key, Map<String, Object> patch);

    /**
     * One compare-and-set attempt: read the key's version (or value) just before, then write only if it is unchanged.
     *
     * @return true when written, false when another writer came between
     */
    boolean casAttempt(String key, Map<String, Object> value, org.openjdk.jmh.infra.Blackhole bh);

    @Override
    void close();

    static Subject create(String name, int maxLogSize) {
        return switch (name) {
            case ENGINE -> new EngineSubject(maxLogSize);
            case ENGINE_FILE -> EngineSubject.onFile(maxLogSize, Durability.BATCHED);
            case ENGINE_FILE_SYNC -> EngineSubject.onFile(maxLogSize, Durability.SYNC);
            case CHM -> new ChmSubject();
            case IMAP -> new HazelcastSubject();
            default -> throw new IllegalArgumentException("unknown subject " + name);
        };
    }
}
