package io.sharedmemory.engine.internal.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.SharedMemory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The limits of the value model, each at its exact edge: the estimated JSON size (accepted at the limit, refused one
 * byte below it), the nesting depth (64 accepted, 65 refused, also when an earlier snapshot is nested again), and the
 * refusals of maps and lists that misbehave while they are copied.
 */
class Values_LimitsTest {
    private static final long BIG = 1 << 20;

    private static String refusal(Object v, long maxBytes) {
        return assertThrows(InvalidValueException.class, () -> Values.snapshot(v, maxBytes)).getMessage();
    }

    /** Accepted with exactly {@code bytes} as the limit, refused with one byte less, and the message says the limit. */
    private static void assertEstimate(long bytes, Object v) throws InvalidValueException {
        Object snap = Values.snapshot(v, bytes);
        assertEquals(v, snap);
        assertEquals(bytes, Values.estimatedBytes(snap), "estimate of " + v);
        assertEquals("Invalid value: larger than the limit of " + (bytes - 1) + " bytes (estimated JSON size)",
                refusal(v, bytes - 1));
    }

    @Test
    void estimatedSize_ofEachKindOfElement_isExactAtTheLimit() throws InvalidValueException {
        // a list costs 2 for its brackets and 1 per element, then the element itself
        assertEstimate(2, List.of());
        assertEstimate(2 + 1 + 4, Arrays.asList((Object) null));
        assertEstimate(2 + 1 + 5, List.of("abc"));
        assertEstimate(2 + 1 + 5, List.of(true));
        assertEstimate(2 + 1 + 20, List.of(7));
        assertEstimate(2 + 1 + 20, List.of(7L));
        assertEstimate(2 + 1 + 20, List.of((short) 7));
        assertEstimate(2 + 1 + 20, List.of((byte) 7));
        assertEstimate(2 + 1 + 20, List.of(BigInteger.TEN));
        assertEstimate(2 + 1 + 20, List.of(new BigDecimal("1.5")));
        assertEstimate(2 + 1 + 24, List.of(1.5d));
        assertEstimate(2 + 1 + 24, List.of(1.5f));
        // a map costs 2 for its braces and the key's length + 4 per entry, then the value
        assertEstimate(2, Map.of());
        assertEstimate(2 + (2 + 4) + 20, Map.of("ab", 1));
    }

    @Test
    void estimatedSize_ofANestedValue_isTheSumOfItsParts() throws InvalidValueException {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("k", Arrays.asList(null, true, 1, 1.5, "s"));
        v.put("m", Map.of("x", "yz"));
        long list = 2 + 5 * 1 + 4 + 5 + 20 + 24 + 3;
        long inner = 2 + (1 + 4) + 4;
        assertEstimate(2 + (1 + 4) + list + (1 + 4) + inner, v);
        // an earlier snapshot nested again costs what it cost the first time
        Object again = Values.snapshot(v, BIG);
        assertEstimate(2 + 1 + Values.estimatedBytes(again), List.of(again));
        assertEstimate(2 + (1 + 4) + Values.estimatedBytes(again), Map.of("a", again));
    }

    @Test
    void estimatedSize_ofAnInnerPart_isItsOwnSize_wherever_itWasFound() throws InvalidValueException {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("a", 1);
        v.put("b", List.of(1));
        v.put("c", Map.of("d", true));
        Map<?, ?> snap = (Map<?, ?>) Values.snapshot(v, BIG);
        assertEquals(2 + 1 + 20, Values.estimatedBytes(snap.get("b")));
        assertEquals(2 + (1 + 4) + 5, Values.estimatedBytes(snap.get("c")));
        assertEstimate(2 + (1 + 4) + 23, Map.of("x", snap.get("b")));
    }

    @Test
    void estimatedSize_ofAPlainString_countsItsQuotes() throws InvalidValueException {
        String s = "x".repeat(62);
        assertSame(s, Values.snapshot(s, 64));
        assertEquals("Invalid value: larger than the limit of 63 bytes (estimated JSON size)", refusal(s, 63));
        // the scalars kept as they are, with no copy
        assertSame(Boolean.TRUE, Values.snapshot(Boolean.TRUE, 64));
        Integer i = 100_000;
        assertSame(i, Values.snapshot(i, 64));
        Long l = 100_000L;
        assertSame(l, Values.snapshot(l, 64));
        BigInteger b = BigInteger.TWO;
        assertSame(b, Values.snapshot(b, 64));
    }

    @Test
    void estimatedBytes_ofScalars() {
        assertEquals(4, Values.estimatedBytes(null));
        assertEquals(5, Values.estimatedBytes("abc"));
        assertEquals(5, Values.estimatedBytes(Boolean.FALSE));
        assertEquals(20, Values.estimatedBytes(12));
    }

    @Test
    void metadata_isSnapshottedUnderTheSameLimit() throws InvalidValueException {
        assertEquals(Map.of(), Values.snapshotMetadata(null, 64));
        assertEquals(Map.of(), Values.snapshotMetadata(Map.of(), 64));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("a", 1);
        Map<String, Object> copy = Values.snapshotMetadata(meta, 2 + 5 + 20);
        meta.put("b", 2);
        assertEquals(Map.of("a", 1), copy);
        assertThrows(UnsupportedOperationException.class, () -> copy.put("c", 3));
        assertEquals("Invalid value: larger than the limit of 26 bytes (estimated JSON size)",
                assertThrows(InvalidValueException.class, () -> Values.snapshotMetadata(Map.of("a", 1), 26))
                        .getMessage());
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("ok", List.of(1));
        bad.put("when", new Object());
        assertEquals("Invalid value at metadata.when: java.lang.Object is not JSON-like (use String, Boolean, a number, "
                + "Map<String,?> or List<?>)",
                assertThrows(InvalidValueException.class, () -> Values.snapshotMetadata(bad, BIG)).getMessage());
    }

    private static Object nestedLists(int levels, Object leaf) {
        Object v = leaf;
        for (int i = 0; i < levels; i++) {
            v = List.of(v);
        }
        return v;
    }

    @Test
    void depth_isLimitedTo64_atTheEdge() throws InvalidValueException {
        Object max = nestedLists(SharedMemory.MAX_DEPTH, "leaf");
        Object snap = Values.snapshot(max, BIG);
        assertEquals(max, snap);
        assertEquals(SharedMemory.MAX_DEPTH, ((JsonSnapshot) snap).depth());
        String tooDeep = refusal(nestedLists(SharedMemory.MAX_DEPTH + 1, "leaf"), BIG);
        assertTrue(tooDeep.endsWith(": nested deeper than 64 levels"), tooDeep);
        assertTrue(tooDeep.startsWith("Invalid value at value[0][0]"), tooDeep);
        // the same limit for maps
        Object maps = "leaf";
        for (int i = 0; i < SharedMemory.MAX_DEPTH; i++) {
            maps = Map.of("m", maps);
        }
        assertEquals(SharedMemory.MAX_DEPTH, ((JsonSnapshot) Values.snapshot(maps, BIG)).depth());
        assertTrue(refusal(List.of(maps), BIG).endsWith("nested deeper than 64 levels"));
    }

    @Test
    void depth_ofAValue_isItsDeepestBranch() throws InvalidValueException {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("deep", nestedLists(3, 1));
        v.put("flat", 2);
        v.put("mid", List.of(1));
        assertEquals(4, ((JsonSnapshot) Values.snapshot(v, BIG)).depth());
        assertEquals(1, ((JsonSnapshot) Values.snapshot(List.of(1, 2), BIG)).depth());
        assertEquals(3, ((JsonSnapshot) Values.snapshot(List.of(1, List.of(List.of()), List.of()), BIG)).depth());
    }

    @Test
    void depth_ofAnEarlierSnapshotNestedAgain_counts() throws InvalidValueException {
        Object inner = Values.snapshot(nestedLists(SharedMemory.MAX_DEPTH - 1, 1), BIG);
        Object one = Values.snapshot(List.of(inner), BIG);
        assertEquals(SharedMemory.MAX_DEPTH, ((JsonSnapshot) one).depth());
        Map<String, Object> wrapped = Map.of("x", inner);
        assertEquals(SharedMemory.MAX_DEPTH, ((JsonSnapshot) Values.snapshot(wrapped, BIG)).depth());
        String refused = refusal(List.of(List.of(inner)), BIG);
        assertEquals("Invalid value at value[0][0]: nested deeper than 64 levels", refused);
        assertTrue(refusal(List.of(one), BIG).endsWith("nested deeper than 64 levels"));
    }

    @Test
    void cycles_belowTheEighthLevel_areFound() {
        // deep enough that the path of open containers has to grow past its first size
        List<Object> top = new ArrayList<>();
        List<Object> cur = top;
        List<Object> third = null;
        for (int i = 0; i < 12; i++) {
            List<Object> next = new ArrayList<>();
            cur.add(next);
            cur = next;
            if (i == 2) {
                third = next;
            }
        }
        cur.add(third);
        String msg = refusal(top, BIG);
        assertTrue(msg.endsWith(": cyclic structure"), msg);
        assertTrue(msg.startsWith("Invalid value at value[0][0][0]"), msg);
        // and a deep acyclic value whose lists are all distinct is fine
        List<Object> fine = new ArrayList<>();
        List<Object> c = fine;
        for (int i = 0; i < 30; i++) {
            List<Object> next = new ArrayList<>();
            next.add(i);
            c.add(next);
            c = next;
        }
        assertEquals(31, ((JsonSnapshot) assertDoesNotThrowSnapshot(fine)).depth());
    }

    @Test
    void cycle_throughTheOutermostContainer_isFoundAtOnce() {
        Map<String, Object> top = new LinkedHashMap<>();
        List<Object> mid = new ArrayList<>();
        mid.add(top);
        top.put("mid", mid);
        assertEquals("Invalid value at value.mid[0]: cyclic structure", refusal(top, BIG));
    }

    @Test
    void siblings_mayShareAContainer_atAnyDepth() throws InvalidValueException {
        List<Object> shared = new ArrayList<>(List.of(1));
        List<Object> deep = new ArrayList<>();
        deep.add(shared);
        deep.add(shared);
        Object v = nestedLists(10, deep);
        assertEquals(v, Values.snapshot(v, BIG));
    }

    private static Object assertDoesNotThrowSnapshot(Object v) {
        try {
            return Values.snapshot(v, BIG);
        } catch (InvalidValueException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void nonFiniteNumbers_areRefusedWhereTheyAre() {
        assertEquals("Invalid value at value[1]: Infinity is not a JSON number",
                refusal(List.of(1, Double.POSITIVE_INFINITY), BIG));
        assertEquals("Invalid value at value.f: -Infinity is not a JSON number",
                refusal(Map.of("f", Float.NEGATIVE_INFINITY), BIG));
        assertEquals("Invalid value at value: NaN is not a JSON number", refusal(Float.NaN, BIG));
        assertEquals("Invalid value at value: NaN is not a JSON number", refusal(Double.NaN, BIG));
    }

    @Test
    void mapKeys_mustBeStrings() {
        Map<Object, Object> nullKey = new java.util.HashMap<>();
        nullKey.put(null, 1);
        assertEquals("Invalid value at value: map key null is not a String", refusal(nullKey, BIG));
        assertEquals("Invalid value at value.a: map key java.lang.Long 5 is not a String",
                refusal(Map.of("a", Map.of(5L, 1)), BIG));
    }

    @Test
    void scalarsOfOtherClasses_areRefusedWithTheirClassName() {
        assertEquals("Invalid value at value: java.lang.StringBuilder is not JSON-like (use String, Boolean, a number, "
                + "Map<String,?> or List<?>)", refusal(new StringBuilder("x"), BIG));
        assertTrue(refusal(List.of('c'), BIG).startsWith("Invalid value at value[0]: java.lang.Character"));
    }

    /** A map whose size() and entry iteration disagree, as one changed by another thread while it is copied. */
    private static final class LyingMap extends AbstractMap<Object, Object> {
        private final int claimedSize;
        private final List<Map.Entry<Object, Object>> entries;
        private final RuntimeException failure;

        LyingMap(int claimedSize, RuntimeException failure, Object... keysAndValues) {
            this.claimedSize = claimedSize;
            this.failure = failure;
            this.entries = new ArrayList<>();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                entries.add(new SimpleEntry<>(keysAndValues[i], keysAndValues[i + 1]));
            }
        }

        @Override
        public int size() {
            return claimedSize;
        }

        @Override
        public Set<Map.Entry<Object, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<Object, Object>> iterator() {
                    Iterator<Map.Entry<Object, Object>> it = entries.iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public Map.Entry<Object, Object> next() {
                            Map.Entry<Object, Object> e = it.next();
                            if (failure != null && !it.hasNext()) {
                                throw failure;
                            }
                            return e;
                        }
                    };
                }

                @Override
                public int size() {
                    return claimedSize;
                }
            };
        }
    }

    private static void assertRefusedAt(String place, String problem, Object v) {
        String msg = refusal(v, BIG);
        assertTrue(msg.startsWith("Invalid value at " + place) && msg.endsWith(": " + problem), msg);
    }

    @Test
    void aMapThatChangesWhileCopied_isRefused() {
        assertRefusedAt("value", "the map changed while it was being copied", new LyingMap(1, null, "a", 1, "b", 2));
        assertRefusedAt("value.x", "the map changed while it was being copied",
                Map.of("x", new LyingMap(3, null, "a", 1, "b", 2)));
        assertRefusedAt("value", "the map changed while it was being copied",
                new LyingMap(2, new ConcurrentModificationException(), "a", 1, "b", 2));
        assertRefusedAt("value", "the map could not be read: java.lang.IllegalStateException: gone",
                new LyingMap(2, new IllegalStateException("gone"), "a", 1, "b", 2));
    }

    @Test
    void aForeignMapWithEqualKeysTwice_isRefused() {
        assertRefusedAt("value", "the map has equal keys twice", new LyingMap(2, null, "a", 1, "a", 2));
        IdentityHashMap<String, Object> identity = new IdentityHashMap<>();
        identity.put(new String("k"), 1);
        identity.put(new String("k"), 2);
        assertRefusedAt("value", "the map has equal keys twice", identity);
        assertRefusedAt("value.in", "the map has equal keys twice", Map.of("in", identity));
    }

    @Test
    void aForeignMapWithDistinctKeys_isCopiedInItsOrder() throws InvalidValueException {
        Object snap = Values.snapshot(new LyingMap(3, null, "c", 1, "a", 2, "b", 3), BIG);
        assertEquals(List.of("c", "a", "b"), new ArrayList<>(((Map<?, ?>) snap).keySet()));
        IdentityHashMap<String, Object> identity = new IdentityHashMap<>();
        identity.put("one", 1);
        identity.put("two", 2);
        assertEquals(Map.of("one", 1, "two", 2), Values.snapshot(identity, BIG));
    }

    /** A list that cannot produce its elements. */
    private static final class FailingList extends AbstractList<Object> {
        private final RuntimeException failure;

        FailingList(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public Object get(int index) {
            throw failure;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public Object[] toArray() {
            throw failure;
        }
    }

    @Test
    void aListThatFailsWhileCopied_isRefused() {
        assertEquals("Invalid value at value[1]: the list changed while it was being copied",
                refusal(List.of(0, new FailingList(new ConcurrentModificationException())), BIG));
        assertEquals("Invalid value at value: the list could not be read: java.lang.UnsupportedOperationException: no",
                refusal(new FailingList(new UnsupportedOperationException("no")), BIG));
    }

    @Test
    void aRefusalWithoutALocation_keepsTheFirstMessage() {
        // the size limit is found on the first, untracked pass; the second pass (which tracks the place) agrees
        assertEquals("Invalid value: larger than the limit of 10 bytes (estimated JSON size)",
                refusal(List.of("abcdefghijkl"), 10));
    }

    @Test
    void largeMaps_findEveryKeyAndNoOther() throws InvalidValueException {
        for (int size : new int[] {0, 1, 12, 13, 40}) {
            Map<String, Object> v = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                v.put("k" + i, i);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> snap = (Map<String, Object>) Values.snapshot(v, BIG);
            assertEquals(size, snap.size());
            assertEquals(v, snap);
            assertEquals(new ArrayList<>(v.keySet()), new ArrayList<>(snap.keySet()), "insertion order");
            for (int i = 0; i < size; i++) {
                assertTrue(snap.containsKey("k" + i));
                assertEquals(i, snap.get("k" + i));
            }
            assertFalse(snap.containsKey("k" + size));
            assertFalse(snap.containsKey("absent"));
            assertNull(snap.get("absent"));
            assertFalse(snap.containsKey(7));
            assertNull(snap.get(null));
        }
    }

    @Test
    void mapEntries_iterateInOrderAndThenStop() throws InvalidValueException {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("b", 1);
        v.put("a", null);
        @SuppressWarnings("unchecked")
        Map<String, Object> snap = (Map<String, Object>) Values.snapshot(v, BIG);
        assertTrue(snap.containsKey("a"));
        assertNull(snap.get("a"));
        Iterator<Map.Entry<String, Object>> it = snap.entrySet().iterator();
        assertTrue(it.hasNext());
        assertEquals(Map.entry("b", 1), it.next());
        assertTrue(it.hasNext());
        Map.Entry<String, Object> second = it.next();
        assertEquals("a", second.getKey());
        assertNull(second.getValue());
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
        assertThrows(UnsupportedOperationException.class, () -> second.setValue(2));
        assertEquals(2, snap.entrySet().size());
        assertSame(snap.entrySet(), snap.entrySet());
    }

    @Test
    void lists_readByIndex() throws InvalidValueException {
        List<?> snap = (List<?>) Values.snapshot(Arrays.asList("a", null, 3), BIG);
        assertEquals(3, snap.size());
        assertEquals("a", snap.get(0));
        assertNull(snap.get(1));
        assertEquals(3, snap.get(2));
        assertThrows(IndexOutOfBoundsException.class, () -> snap.get(3));
        assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) snap).set(0, "b"));
    }
}
