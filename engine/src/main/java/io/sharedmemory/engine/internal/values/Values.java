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
 *
 * <p>What the size limit counts is an estimate of the JSON text of the value: strings by their length, big numbers
 * by their digits as written in plain notation (so that neither 2^10 000 000 nor 1E+10000000 slips in as "a number"),
 * containers by their punctuation. A map is copied with its keys checked to be distinct unless its class is one of the
 * JDK's that hold each key once by {@code equals} (a wrapper, a comparator-ordered or a foreign map may not); a map or
 * list that claims more elements than the limit could hold is refused before anything is allocated for it. Strings
 * (values and map keys) must be well-formed UTF-16: an unpaired surrogate is refused, as in names, because no store
 * that writes UTF-8 (a file, the network) could keep it.
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
            int bad = unpairedSurrogate((String) value);
            if (bad >= 0) {
                throw new InvalidValueException("Invalid value: unpaired surrogate at index " + bad);
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
        if (!holdsKeysOnce(m)) {
            return null;
        }
        FlatCopy copy;
        try {
            int n = m.size();
            if (n < 0 || MIN_ENTRY_BYTES * n > maxBytes) {
                return null;
            }
            copy = new FlatCopy(n);
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
            if (i == kv.length || !(k instanceof String ks) || unpairedSurrogate(ks) >= 0) {
                flat = false;
                return;
            }
            long bytes;
            Class<?> c = v == null ? null : v.getClass();
            if (c == null) {
                bytes = 4;
            } else if (c == String.class) {
                if (unpairedSurrogate((String) v) >= 0) {
                    flat = false;
                    return;
                }
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
        return numberBytes(v);
    }

    /** The least an entry of a map adds to the estimate: its key's quotes, colon and comma, and a null value. */
    private static final long MIN_ENTRY_BYTES = 8;
    /**
     * Containers this large are checked against the limit by their claimed size before anything is allocated for
     * them (one whose size() lies could otherwise ask for gigabytes); smaller ones are refused by the copy itself.
     */
    private static final int PRECHECK = 4096;
    /** The least an element of a list adds: its comma and a null. */
    private static final long MIN_ELEMENT_BYTES = 5;
    private static final double DIGITS_PER_BIT = 0.30103;
    private static final java.util.Set<Class<?>> KEYS_ONCE = java.util.Set.copyOf(new java.util.HashSet<>(
            java.util.List.of(java.util.HashMap.class, java.util.LinkedHashMap.class,
                    java.util.concurrent.ConcurrentHashMap.class, JsonMap.class, Map.of().getClass(),
                    Map.of("a", 1).getClass(), Map.of("a", 1, "b", 2).getClass(),
                    java.util.Collections.emptyMap().getClass(),
                    java.util.Collections.singletonMap("a", 1).getClass())));

    /**
     * Whether the map's class holds each key once by {@code equals}: the JDK's hash maps and immutable maps, and the
     * sorted ones in the natural order of their keys. A wrapper (an unmodifiable view of an IdentityHashMap), a
     * comparator that never answers 0, or a foreign class may hold equal keys twice.
     */
    private static boolean holdsKeysOnce(Map<?, ?> m) {
        Class<?> c = m.getClass();
        if (KEYS_ONCE.contains(c)) {
            return true;
        }
        if (c == java.util.TreeMap.class) {
            return ((java.util.TreeMap<?, ?>) m).comparator() == null;
        }
        if (c == java.util.concurrent.ConcurrentSkipListMap.class) {
            return ((java.util.concurrent.ConcurrentSkipListMap<?, ?>) m).comparator() == null;
        }
        return false;
    }

    /** @return the index of the first unpaired surrogate of s, or -1 */
    static int unpairedSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
        }
        return -1;
    }

    /**
     * The estimated length of a number's JSON text: 20 for the fixed-size integers, 24 for doubles and floats, the
     * plain-notation digits of a big one (from its bit length, without printing it).
     */
    private static long numberBytes(Object v) {
        if (v instanceof BigInteger b) {
            return Math.max(20, (long) (b.bitLength() * DIGITS_PER_BIT) + 2);
        }
        if (v instanceof BigDecimal d) {
            long digits = (long) (d.unscaledValue().bitLength() * DIGITS_PER_BIT) + 1;
            long scale = d.scale();
            // plain notation: trailing zeros for a negative scale, leading "0." and zeros for a large one
            long plain = scale <= 0 ? digits - scale : Math.max(digits, scale) + 2;
            return Math.max(20, plain + 1);
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
                int bad = unpairedSurrogate((String) v);
                if (bad >= 0) {
                    throw new InvalidValueException("Invalid value at " + where() + ": unpaired surrogate at index "
                            + bad);
                }
                return v;
            }
            if (c == Boolean.class) {
                add(5);
                return v;
            }
            if (c == Integer.class || c == Long.class || c == Short.class || c == Byte.class
                    || c == BigInteger.class || c == BigDecimal.class) {
                add(numberBytes(v));
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
            if (n < 0 || n > PRECHECK && MIN_ENTRY_BYTES * n > maxBytes - total) {
                throw new InvalidValueException("Invalid value at " + where() + ": the map says it holds " + n
                        + " entries, more than the limit of " + maxBytes + " bytes (estimated JSON size) allows");
            }
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
                    int bad = unpairedSurrogate(ks);
                    if (bad >= 0) {
                        throw new InvalidValueException("Invalid value at " + where() + ": map key with an unpaired "
                                + "surrogate at index " + bad);
                    }
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
            if (n > 1 && !holdsKeysOnce(m) && distinctKeys(kv) != n) {
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
                int n = l.size();
                if (n < 0 || n > PRECHECK && MIN_ELEMENT_BYTES * n > maxBytes - total) {
                    throw new InvalidValueException("Invalid value at " + where() + ": the list says it holds " + n
                            + " elements, more than the limit of " + maxBytes + " bytes (estimated JSON size) allows");
                }
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
