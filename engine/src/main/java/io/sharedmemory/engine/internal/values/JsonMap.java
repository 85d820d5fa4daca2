package io.sharedmemory.engine.internal.values;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An immutable map with string keys in insertion order. Small maps keep their keys and values in one array, key then
 * value (no per-entry node, which is most of the engine's memory per entry, and one array rather than two); large ones
 * an index as well, for constant-time lookup.
 */
public final class JsonMap extends AbstractMap<String, Object> implements JsonSnapshot {
    private static final int INDEX_THRESHOLD = 12;

    /** Key i at 2i (a String), its value at 2i + 1. */
    private final Object[] kv;
    private final Map<String, Integer> index;
    private final long estimatedBytes;
    private final int depth;
    private Set<Map.Entry<String, Object>> entrySet;

    /**
     * @param kv the keys (distinct Strings) and values, interleaved; taken as it is, so nobody else may hold it
     */
    public JsonMap(Object[] kv, long estimatedBytes, int depth) {
        this.kv = kv;
        this.estimatedBytes = estimatedBytes;
        this.depth = depth;
        int n = kv.length >> 1;
        if (n > INDEX_THRESHOLD) {
            Map<String, Integer> idx = new LinkedHashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                idx.put((String) kv[2 * i], i);
            }
            this.index = idx;
        } else {
            this.index = null;
        }
    }

    @Override
    public long estimatedBytes() {
        return estimatedBytes;
    }

    @Override
    public int depth() {
        return depth;
    }

    /** @return the position of the key's value in kv, or -1 */
    private int valueAt(Object key) {
        if (index != null) {
            Integer i = index.get(key);
            return i == null ? -1 : 2 * i + 1;
        }
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i].equals(key)) {
                return i + 1;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return kv.length >> 1;
    }

    @Override
    public boolean containsKey(Object key) {
        return valueAt(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        int i = valueAt(key);
        return i < 0 ? null : kv[i];
    }

    /** Keys and values, alternating, for the codec's walk (never written to). */
    Object[] pairs() {
        return kv;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
        Objects.requireNonNull(action, "action");
        for (int i = 0; i < kv.length; i += 2) {
            action.accept((String) kv[i], kv[i + 1]);
        }
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        Set<Map.Entry<String, Object>> es = entrySet;
        if (es == null) {
            es = new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<String, Object>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < kv.length;
                        }

                        @Override
                        public Map.Entry<String, Object> next() {
                            if (next >= kv.length) {
                                throw new NoSuchElementException();
                            }
                            int i = next;
                            next += 2;
                            return new SimpleImmutableEntry<>((String) kv[i], kv[i + 1]);
                        }
                    };
                }

                @Override
                public int size() {
                    return kv.length >> 1;
                }
            };
            entrySet = es;
        }
        return es;
    }
}
