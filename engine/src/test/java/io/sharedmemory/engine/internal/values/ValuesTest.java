package io.sharedmemory.engine.internal.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesTest {
    private static String refusal(Object v) {
        return assertThrows(InvalidValueException.class, () -> Values.snapshot(v, 1 << 20)).getMessage();
    }

    @Test
    void messagesNameThePlaceOfTheProblem() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("ok", 1);
        inner.put("bad", new Object());
        assertEquals("Invalid value at value.outer[1].bad: java.lang.Object is not JSON-like (use String, Boolean, "
                + "a number, Map<String,?> or List<?>)", refusal(Map.of("outer", List.of(1, inner))));
        assertTrue(refusal(Map.of("x", Double.NaN)).startsWith("Invalid value at value.x: NaN"));
        assertTrue(refusal(Map.of(1, "x")).contains("map key java.lang.Integer 1 is not a String"));
        assertTrue(refusal(null).contains("null"));
    }

    @Test
    void cyclesAtAnyDepthAreRefused() {
        Map<String, Object> self = new HashMap<>();
        self.put("me", self);
        assertTrue(refusal(self).endsWith("cyclic structure"), refusal(self));
        List<Object> a = new ArrayList<>();
        List<Object> b = new ArrayList<>();
        a.add(List.of(1, b));
        b.add(a);
        assertTrue(refusal(a).contains("cyclic structure"), refusal(a));
    }

    @Test
    void sharedButAcyclicSubtreesAreFine() throws InvalidValueException {
        List<Object> shared = List.of(1, 2);
        assertEquals(Map.of("a", shared, "b", shared), Values.snapshot(Map.of("a", shared, "b", shared), 1 << 20));
    }

    @Test
    void depthAndSizeAreLimited() {
        Object deep = "leaf";
        for (int i = 0; i < 70; i++) {
            deep = List.of(deep);
        }
        assertTrue(refusal(deep).contains("nested deeper than 64 levels"), refusal(deep));
        String big = "x".repeat(100);
        assertThrows(InvalidValueException.class, () -> Values.snapshot(big, 64));
        assertThrows(InvalidValueException.class, () -> Values.snapshot(List.of(big), 64));
    }

    @Test
    void snapshotsAreImmutableCopiesAndSnapshotsAreNotCopiedAgain() throws InvalidValueException {
        List<Object> list = new ArrayList<>(Arrays.asList(1, null, new BigDecimal("1.5")));
        Object snap = Values.snapshot(list, 1 << 20);
        list.add(4);
        assertEquals(Arrays.asList(1, null, new BigDecimal("1.5")), snap);
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) snap).clear());
        assertSame(snap, Values.snapshot(snap, 1 << 20));
        assertSame("s", Values.snapshot("s", 1 << 20));
    }
}
