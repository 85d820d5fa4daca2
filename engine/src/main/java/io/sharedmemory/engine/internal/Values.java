package io.sharedmemory.engine.internal;

import io.sharedmemory.api.SharedMemory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Turns a caller's value into an immutable JSON-like snapshot, or says precisely why it cannot.
 * Only exact JDK classes are accepted for scalars: a subclass of {@code BigInteger} could be mutable.
 */
final class Values {
    private Values() {
    }

    static Object snapshot(Object value, long maxBytes) throws InvalidValueException {
        if (value == null) {
            throw new InvalidValueException("Invalid value: null (null is allowed only inside maps and lists)");
        }
        Snapshotter s = new Snapshotter(maxBytes);
        return s.copy(value, 0);
    }

    static Map<String, Object> snapshotMetadata(Map<String, Object> metadata, long maxBytes)
            throws InvalidValueException {
        if (metadata == null || metadata.isEmpty()) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) new Snapshotter(maxBytes, "metadata").copy(metadata, 0);
        return copy;
    }

    static long estimatedBytes(Object snapshot) {
        if (snapshot instanceof Json j) {
            return j.estimatedBytes();
        }
        return scalarBytes(snapshot);
    }

    private static long scalarBytes(Object v) {
        if (v == null) {
            return 4;
        }
        if (v instanceof String s) {
            return s.length() + 2L;
        }
        if (v instanceof Boolean) {
            return 5;
        }
        return 20;
    }

    private static final class Snapshotter {
        private final long maxBytes;
        private final List<Object> path = new ArrayList<>();
        private long total;

        private final List<Object> segments = new ArrayList<>();
        private final String root;

        Snapshotter(long maxBytes) {
            this(maxBytes, "value");
        }

        Snapshotter(long maxBytes, String root) {
            this.maxBytes = maxBytes;
            this.root = root;
        }

        /** The path to where the snapshot is, built only for an error message. */
        private String where() {
            StringBuilder b = new StringBuilder(root);
            for (Object s : segments) {
                if (s instanceof Integer i) {
                    b.append('[').append(i).append(']');
                } else {
                    b.append('.').append(s);
                }
            }
            return b.toString();
        }

        private void add(long bytes) throws InvalidValueException {
            total += bytes;
            if (total > maxBytes) {
                throw new InvalidValueException("Invalid value: larger than the limit of " + maxBytes
                        + " bytes (estimated JSON size)");
            }
        }

        Object copy(Object v, int depth) throws InvalidValueException {
            if (v == null) {
                add(4);
                return null;
            }
            Class<?> c = v.getClass();
            if (c == String.class) {
                add(((String) v).length() + 2L);
                return v;
            }
            if (c == Boolean.class) {
                add(5);
                return v;
            }
            if (c == Integer.class || c == Long.class || c == Short.class || c == Byte.class
                    || c == BigInteger.class || c == BigDecimal.class) {
                add(20);
                return v;
            }
            if (c == Double.class || c == Float.class) {
                double d = ((Number) v).doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new InvalidValueException("Invalid value at " + where() + ": " + v
                            + " is not a JSON number");
                }
                add(24);
                return v;
            }
            if (v instanceof Json j) {
                add(j.estimatedBytes());
                return v;
            }
            if (v instanceof Map<?, ?> m) {
                return copyMap(m, depth);
            }
            if (v instanceof List<?> l) {
                return copyList(l, depth);
            }
            throw new InvalidValueException("Invalid value at " + where() + ": " + c.getName()
                    + " is not JSON-like (use String, Boolean, a number, Map<String,?> or List<?>)");
        }

        private void enter(Object container, int depth) throws InvalidValueException {
            for (Object o : path) {
                if (o == container) {
                    throw new InvalidValueException("Invalid value at " + where() + ": cyclic structure");
                }
            }
            if (depth >= SharedMemory.MAX_DEPTH) {
                throw new InvalidValueException("Invalid value at " + where() + ": nested deeper than "
                        + SharedMemory.MAX_DEPTH + " levels");
            }
            path.add(container);
        }

        private Object copyMap(Map<?, ?> m, int depth) throws InvalidValueException {
            enter(m, depth);
            long start = total;
            add(2);
            int n = m.size();
            String[] keys = new String[n];
            Object[] values = new Object[n];
            int i = 0;
            try {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (i == n) {
                        throw new InvalidValueException("Invalid value at " + where()
                                + ": the map changed while it was being copied");
                    }
                    Object k = e.getKey();
                    if (!(k instanceof String ks)) {
                        throw new InvalidValueException("Invalid value at " + where() + ": map key "
                                + (k == null ? "null" : k.getClass().getName() + " " + k)
                                + " is not a String");
                    }
                    add(ks.length() + 4L);
                    keys[i] = ks;
                    segments.add(ks);
                    values[i] = copy(e.getValue(), depth + 1);
                    segments.remove(segments.size() - 1);
                    i++;
                }
            } catch (java.util.ConcurrentModificationException ex) {
                throw new InvalidValueException("Invalid value at " + where()
                        + ": the map changed while it was being copied");
            }
            path.remove(path.size() - 1);
            if (i != n) {
                throw new InvalidValueException("Invalid value at " + where()
                        + ": the map changed while it was being copied");
            }
            return new JsonMap(keys, values, total - start);
        }

        private Object copyList(List<?> l, int depth) throws InvalidValueException {
            enter(l, depth);
            long start = total;
            add(2);
            Object[] elements;
            try {
                elements = l.toArray();
            } catch (java.util.ConcurrentModificationException ex) {
                throw new InvalidValueException("Invalid value at " + where()
                        + ": the list changed while it was being copied");
            }
            for (int i = 0; i < elements.length; i++) {
                add(1);
                segments.add(i);
                elements[i] = copy(elements[i], depth + 1);
                segments.remove(segments.size() - 1);
            }
            path.remove(path.size() - 1);
            return new JsonList(elements, total - start);
        }
    }

    /** An unmodifiable view for results built by the engine itself (key lists, getAll maps). */
    static <T> List<T> unmodifiable(List<T> list) {
        return Collections.unmodifiableList(list);
    }
}
