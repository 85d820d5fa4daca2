package io.sharedmemory.engine.internal;

import io.sharedmemory.api.MemoryEntry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/** The in-memory {@link EntryStore}: a {@link ConcurrentHashMap}, whose {@code compute} is the per-key atomic step. */
final class ConcurrentEntryStore implements EntryStore {
    private final ConcurrentHashMap<String, MemoryEntry> map = new ConcurrentHashMap<>();

    @Override
    public MemoryEntry get(String key) {
        return map.get(key);
    }

    @Override
    public MemoryEntry update(String key, BiFunction<String, MemoryEntry, MemoryEntry> fn) {
        return map.compute(key, fn);
    }

    @Override
    public void forEach(BiConsumer<String, MemoryEntry> action) {
        map.forEach(action);
    }

    @Override
    public long size() {
        return map.mappingCount();
    }

    @Override
    public void clear() {
        map.clear();
    }
}
