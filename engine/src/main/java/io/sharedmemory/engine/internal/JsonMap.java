package io.sharedmemory.engine.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable map with string keys in insertion order. Small maps keep parallel arrays (no per-entry node, which is
 * most of the engine's memory per entry); large ones an index as well, for constant-time lookup.
 */
final class JsonMap extends AbstractMap<String, Object> implements Json {
    private static final int INDEX_THRESHOLD = 12;

    private final String[] keys;
    private final Object[] values;
    private final Map<String, Integer> index;
    private final long estimatedBytes;
    private Set<Map.Entry<String, Object>> entrySet;

    JsonMap(String[] keys, Object[] values, long estimatedBytes) {
        this.keys = keys;
        this.values = values;
        this.estimatedBytes = estimatedBytes;
        if (keys.length > INDEX_THRESHOLD) {
            Map<String, Integer> idx = new LinkedHashMap<>(keys.length * 2);
            for (int i = 0; i < keys.length; i++) {
                idx.put(keys[i], i);
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

    private int indexOf(Object key) {
        if (index != null) {
            Integer i = index.get(key);
            return i == null ? -1 : i;
        }
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
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
                            return next < keys.length;
                        }

                        @Override
                        public Map.Entry<String, Object> next() {
                            if (next >= keys.length) {
                                throw new NoSuchElementException();
                            }
                            int i = next++;
                            return new SimpleImmutableEntry<>(keys[i], values[i]);
                        }
                    };
                }

                @Override
                public int size() {
                    return keys.length;
                }
            };
            entrySet = es;
        }
        return es;
    }
}
