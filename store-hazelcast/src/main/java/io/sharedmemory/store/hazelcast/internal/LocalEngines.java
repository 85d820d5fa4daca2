package io.sharedmemory.store.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import io.sharedmemory.store.StoreCodec;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The stores open on one member, by memory name: how an entry processor or a task that arrives at a member finds the
 * engine of its memory there (to decode a step with that member's strategies, or to apply a namespace's
 * configuration). Kept in the member's user context, so it lives and dies with the member.
 */
final class LocalEngines {
    private static final String KEY = "io.sharedmemory.store.hazelcast";

    /** An open store, as members' operations see it. */
    interface Handle {
        /** @return the engine's codec: a step read with it is bound to this engine */
        StoreCodec codec();

        /** A namespace's record as another member stored it: applied to this engine before this returns. */
        void applyNamespace(String name, byte[] record);

        /** A namespace another member dropped: forgotten by this engine before this returns. */
        void dropNamespace(String name, long incarnation);
    }

    private final ConcurrentMap<String, List<Handle>> open = new ConcurrentHashMap<>();

    static LocalEngines of(HazelcastInstance hz) {
        ConcurrentMap<String, Object> context = hz.getUserContext();
        Object found = context.get(KEY);
        if (found == null) {
            context.putIfAbsent(KEY, new LocalEngines());
            found = context.get(KEY);
        }
        if (!(found instanceof LocalEngines engines)) {
            // a store bundle that was updated while the member ran left the previous class's registry here
            throw new IllegalStateException("the member's user context holds a registry of another sharedmemory "
                    + "store class (" + found.getClass().getName() + "); restart the member");
        }
        return engines;
    }

    void add(String memory, Handle handle) {
        open.computeIfAbsent(memory, m -> new CopyOnWriteArrayList<>()).add(handle);
    }

    void remove(String memory, Handle handle) {
        List<Handle> handles = open.get(memory);
        if (handles != null) {
            handles.remove(handle);
        }
    }

    /** @return an open store of the memory on this member, or null */
    Handle any(String memory) {
        List<Handle> handles = open.get(memory);
        return handles == null || handles.isEmpty() ? null : handles.get(0);
    }

    /** @return every open store of the memory on this member */
    List<Handle> all(String memory) {
        List<Handle> handles = open.get(memory);
        return handles == null ? List.of() : handles;
    }
}
