package io.sharedmemory.engine.internal.store;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.StoreCapability;
import io.sharedmemory.store.StoreContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's own store and the default: everything in this process's heap, in {@link SegmentedEntryStore} tables.
 * Steps run here, in the key's region. Nothing survives the memory: closing the store (destroying the memory) lets
 * go of every namespace, and a store opened again starts empty.
 */
public final class InMemoryStore implements MemoryStore {
    /** The name the engine's {@code store} configuration uses for it. */
    public static final String NAME = "memory";

    private record Held(NamespaceConfig config, SegmentedEntryStore table) {
    }

    private final Map<String, Held> namespaces = new ConcurrentHashMap<>();
    private boolean open;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<StoreCapability> capabilities() {
        return Set.of(StoreCapability.LOCAL_STEP);
    }

    @Override
    public synchronized Map<String, NamespaceConfig> open(StoreContext context) {
        if (open) {
            throw new IllegalStateException("The in-memory store is open already: a store serves one memory");
        }
        open = true;
        namespaces.clear();
        return Map.of();
    }

    @Override
    public boolean addNamespace(String name, NamespaceConfig config) {
        return namespaces.putIfAbsent(name, new Held(config, new SegmentedEntryStore())) == null;
    }

    @Override
    public void saveNamespace(String name, NamespaceConfig config) {
        namespaces.computeIfPresent(name, (n, held) -> new Held(config, held.table()));
    }

    @Override
    public void dropNamespace(String name) {
        Held held = namespaces.remove(name);
        if (held != null) {
            held.table().clear();
        }
    }

    @Override
    public EntryTable entries(String name) {
        Held held = namespaces.get(name);
        if (held == null) {
            throw new IllegalArgumentException("No namespace \"" + name + "\" in this store");
        }
        return held.table();
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("store", NAME);
        d.put("durability", "none: the memory lives as long as the process");
        return d;
    }

    @Override
    public synchronized void close() {
        open = false;
        for (Held held : namespaces.values()) {
            held.table().clear();
        }
        namespaces.clear();
    }
}
