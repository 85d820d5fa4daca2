package io.sharedmemory.engine.internal;

import io.sharedmemory.api.SharedMemory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ConcurrentModificationException;
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
        Class<?> c = value.getClass();
        if (c == String.class) {
            if (((String) value).length() + 2L > maxBytes) {
                throw new InvalidValueException("Invalid value: larger than the limit of " + maxBytes
                        + " bytes (estimated JSON size)");
            }
            return value;
        }
        if (c == Boolean.class || c == Integer.class || c == Long.class) {
            return value;
        }
        try {
            return new Snapshotter(maxBytes, "value", false).copy(value);
        } catch (InvalidValueException e) {
            throw located(value, maxBytes, "value", e);
        }
    }

    static Map<String, Object> snapshotMetadata(Map<String, Object> metadata, long maxBytes)
            throws InvalidValueException {
        if (metadata == null || metadata.isEmpty()) {
            return Map.of();
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> copy = (Map<String, Object>) new Snapshotter(maxBytes, "metadata", false)
                    .copy(metadata);
            return copy;
        } catch (InvalidValueException e) {
            throw located(metadata, maxBytes, "metadata", e);
        }
    }

    /** Copies again, tracking where it is, so that the message of a refusal names the place: refusals are rare. */
    private static InvalidValueException located(Object value, long maxBytes, String root, InvalidValueException first) {
        try {
            new Snapshotter(maxBytes, root, true).copy(value);
        } catch (InvalidValueException e) {
            return e;
        }
        return first;
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
        private final String root;
        private final boolean locate;
        /** The container at depth 0; the deeper ones on the current path go to {@code path}, made when needed. */
        private Object outermost;
        private Object[] path;
        /** The key or index taken at each level, only when {@code locate}: for error messages. */
        private Object[] segments;
        private int depth;
        private long total;

        Snapshotter(long maxBytes, String root, boolean locate) {
            this.maxBytes = maxBytes;
            this.root = root;
            this.locate = locate;
            if (locate) {
                segments = new Object[SharedMemory.MAX_DEPTH + 1];
            }
        }

        /** The path to where the snapshot is, built only for an error message. */
        private String where() {
            StringBuilder b = new StringBuilder(root);
            if (segments == null) {
                return root;
            }
            for (int i = 0; i < depth; i++) {
                Object s = segments[i];
                if (s instanceof Integer n) {
                    b.append('[').append(n).append(']');
                } else if (s != null) {
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

        Object copy(Object v) throws InvalidValueException {
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
                return copyMap(m);
            }
            if (v instanceof List<?> l) {
                return copyList(l);
            }
            throw new InvalidValueException("Invalid value at " + where() + ": " + c.getName()
                    + " is not JSON-like (use String, Boolean, a number, Map<String,?> or List<?>)");
        }

        private void enter(Object container) throws InvalidValueException {
            if (depth == 0) {
                outermost = container;
                depth = 1;
                return;
            }
            if (container == outermost) {
                throw new InvalidValueException("Invalid value at " + where() + ": cyclic structure");
            }
            if (path == null) {
                path = new Object[8];
            } else if (depth == path.length) {
                path = java.util.Arrays.copyOf(path, depth * 2);
            }
            for (int i = 1; i < depth; i++) {
                if (path[i] == container) {
                    throw new InvalidValueException("Invalid value at " + where() + ": cyclic structure");
                }
            }
            if (depth >= SharedMemory.MAX_DEPTH) {
                throw new InvalidValueException("Invalid value at " + where() + ": nested deeper than "
                        + SharedMemory.MAX_DEPTH + " levels");
            }
            path[depth] = container;
            depth++;
        }

        private void leave() {
            depth--;
            if (depth > 0) {
                path[depth] = null;
            }
        }

        private void at(Object segment) {
            if (locate) {
                segments[depth - 1] = segment;
            }
        }

        private Object copyMap(Map<?, ?> m) throws InvalidValueException {
            enter(m);
            long start = total;
            add(2);
            int n = m.size();
            String[] keys = new String[n];
            Object[] values = new Object[n];
            int i = 0;
            try {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (i == n) {
                        throw changed("map");
                    }
                    Object k = e.getKey();
                    if (!(k instanceof String ks)) {
                        throw new InvalidValueException("Invalid value at " + where() + ": map key "
                                + (k == null ? "null" : k.getClass().getName() + " " + k)
                                + " is not a String");
                    }
                    add(ks.length() + 4L);
                    keys[i] = ks;
                    at(ks);
                    values[i] = copy(e.getValue());
                    i++;
                }
            } catch (ConcurrentModificationException ex) {
                throw changed("map");
            }
            if (i != n) {
                throw changed("map");
            }
            leave();
            return new JsonMap(keys, values, total - start);
        }

        private Object copyList(List<?> l) throws InvalidValueException {
            enter(l);
            long start = total;
            add(2);
            Object[] elements;
            try {
                elements = l.toArray();
            } catch (ConcurrentModificationException ex) {
                throw changed("list");
            }
            for (int i = 0; i < elements.length; i++) {
                add(1);
                at(i);
                elements[i] = copy(elements[i]);
            }
            leave();
            return new JsonList(elements, total - start);
        }

        private InvalidValueException changed(String what) {
            return new InvalidValueException("Invalid value at " + where() + ": the " + what
                    + " changed while it was being copied");
        }
    }

    /** An unmodifiable view for results built by the engine itself (key lists, getAll maps). */
    static <T> List<T> unmodifiable(List<T> list) {
        return Collections.unmodifiableList(list);
    }
}
