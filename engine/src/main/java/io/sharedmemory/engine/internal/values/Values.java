package io.sharedmemory.engine.internal.values;

import io.sharedmemory.api.SharedMemory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ConcurrentModificationException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Turns a caller's value into an immutable JSON-like snapshot, or says precisely why it cannot.
 * Only exact JDK classes are accepted for scalars: a subclass of {@code BigInteger} could be mutable.
 */
public final class Values {
    private Values() {
    }

    public static Object snapshot(Object value, long maxBytes) throws InvalidValueException {
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
        if (value instanceof Map<?, ?> m && !(value instanceof JsonSnapshot)) {
            Object flat = flatMap(m, maxBytes);
            if (flat != null) {
                return flat;
            }
        }
        try {
            return new Snapshotter(maxBytes, "value", false).copy(value);
        } catch (InvalidValueException e) {
            throw located(value, maxBytes, "value", e);
        }
    }

    /**
     * The common value, a JDK map of string keys to strings, booleans, ints, longs and nulls, copied in one pass with
     * the same size estimate as {@link Snapshotter}; null when anything else is met (a nested container, another
     * scalar, a foreign or identity map, a change while reading, the size limit), so that {@link Snapshotter} copies it
     * again, or finds the error and says where it is.
     */
    private static JsonMap flatMap(Map<?, ?> m, long maxBytes) {
        // a JDK map holds each key once by equals, except IdentityHashMap; a foreign one may not
        if (m.getClass().getClassLoader() != null || m instanceof java.util.IdentityHashMap) {
            return null;
        }
        FlatCopy copy;
        try {
            copy = new FlatCopy(m.size());
            // forEach, not an entry iterator: the JDK maps hand over each key and value straight from their nodes
            m.forEach(copy);
        } catch (RuntimeException e) {
            return null;
        }
        if (!copy.flat || copy.i != copy.kv.length || copy.total > maxBytes) {
            return null;
        }
        return new JsonMap(copy.kv, copy.total, 1);
    }

    /** flatMap's pass over the entries: gives up (flat = false) at the first entry it cannot copy as it is. */
    private static final class FlatCopy implements BiConsumer<Object, Object> {
        final Object[] kv;
        int i;
        long total = 2;
        boolean flat = true;

        FlatCopy(int size) {
            kv = new Object[2 * size];
        }

        @Override
        public void accept(Object k, Object v) {
            if (!flat) {
                return;
            }
            if (i == kv.length || !(k instanceof String ks)) {
                flat = false;
                return;
            }
            long bytes;
            Class<?> c = v == null ? null : v.getClass();
            if (c == null) {
                bytes = 4;
            } else if (c == String.class) {
                bytes = ((String) v).length() + 2L;
            } else if (c == Integer.class || c == Long.class) {
                bytes = 20;
            } else if (c == Boolean.class) {
                bytes = 5;
            } else {
                flat = false;
                return;
            }
            total += ks.length() + 4L + bytes;
            kv[i++] = ks;
            kv[i++] = v;
        }
    }

    public static Map<String, Object> snapshotMetadata(Map<String, Object> metadata, long maxBytes)
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

    public static long estimatedBytes(Object snapshot) {
        if (snapshot instanceof JsonSnapshot j) {
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
        return v instanceof Double || v instanceof Float ? 24 : 20;
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
        /** The nesting depth of the value copy() returned last: 0 for a scalar. */
        private int lastDepth;
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
            lastDepth = 0;
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
            if (v instanceof JsonSnapshot j) {
                if (depth + j.depth() > SharedMemory.MAX_DEPTH) {
                    throw new InvalidValueException("Invalid value at " + where() + ": nested deeper than "
                            + SharedMemory.MAX_DEPTH + " levels");
                }
                add(j.estimatedBytes());
                lastDepth = j.depth();
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
            Object[] kv = new Object[2 * n];
            int i = 0;
            int deepest = 0;
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
                    kv[2 * i] = ks;
                    at(ks);
                    kv[2 * i + 1] = copy(e.getValue());
                    deepest = Math.max(deepest, lastDepth);
                    i++;
                }
            } catch (ConcurrentModificationException ex) {
                throw changed("map");
            } catch (RuntimeException ex) {
                throw unreadable("map", ex);
            }
            if (i != n) {
                throw changed("map");
            }
            // the JDK's maps hold each key once by equals, except IdentityHashMap; a foreign map may not
            if (n > 1 && (m instanceof java.util.IdentityHashMap || m.getClass().getClassLoader() != null)
                    && distinctKeys(kv) != n) {
                throw new InvalidValueException("Invalid value at " + where() + ": the map has equal keys twice");
            }
            leave();
            lastDepth = deepest + 1;
            return new JsonMap(kv, total - start, lastDepth);
        }

        private static int distinctKeys(Object[] kv) {
            java.util.Set<Object> keys = new java.util.HashSet<>();
            for (int i = 0; i < kv.length; i += 2) {
                keys.add(kv[i]);
            }
            return keys.size();
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
            } catch (RuntimeException ex) {
                throw unreadable("list", ex);
            }
            int deepest = 0;
            for (int i = 0; i < elements.length; i++) {
                add(1);
                at(i);
                elements[i] = copy(elements[i]);
                deepest = Math.max(deepest, lastDepth);
            }
            leave();
            lastDepth = deepest + 1;
            return new JsonList(elements, total - start, lastDepth);
        }

        private InvalidValueException unreadable(String what, RuntimeException e) {
            return new InvalidValueException("Invalid value at " + where() + ": the " + what
                    + " could not be read: " + e);
        }

        private InvalidValueException changed(String what) {
            return new InvalidValueException("Invalid value at " + where() + ": the " + what
                    + " changed while it was being copied");
        }
    }

    /** An unmodifiable view for results built by the engine itself (key lists, getAll maps). */
    public static <T> List<T> unmodifiable(List<T> list) {
        return Collections.unmodifiableList(list);
    }
}
