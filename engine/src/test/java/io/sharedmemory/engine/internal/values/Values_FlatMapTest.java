package io.sharedmemory.engine.internal.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one-pass copy of flat maps must agree with the general copy, which copies the same map when it is nested. */
class Values_FlatMapTest {
    private static Map<String, Object> flat() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("owner", "agent-3");
        m.put("status", "open");
        m.put("priority", 42);
        m.put("big", 1L << 40);
        m.put("done", false);
        m.put("none", null);
        return m;
    }

    @Test
    void estimatesTheSizeAndDepthLikeTheGeneralCopy() throws Exception {
        Object alone = Values.snapshot(flat(), 1 << 20);
        Object nested = Values.snapshot(List.of(flat()), 1 << 20);
        assertInstanceOf(JsonMap.class, alone);
        // a list adds 2 for its brackets and 1 per element
        assertEquals(Values.estimatedBytes(nested) - 3, Values.estimatedBytes(alone));
        assertEquals(1, ((JsonSnapshot) alone).depth());
        assertEquals(flat(), alone);
        assertEquals(List.copyOf(flat().keySet()), List.copyOf(((Map<?, ?>) alone).keySet()));
    }

    @Test
    void refusesAboveTheLimitWithTheGeneralMessage() throws Exception {
        long size = Values.estimatedBytes(Values.snapshot(flat(), 1 << 20));
        Values.snapshot(flat(), size);
        String message = assertThrows(InvalidValueException.class, () -> Values.snapshot(flat(), size - 1))
                .getMessage();
        assertTrue(message.contains("larger than the limit of " + (size - 1)), message);
    }

    @Test
    void isASnapshot() throws Exception {
        Map<String, Object> m = flat();
        Object copy = Values.snapshot(m, 1 << 20);
        m.put("status", "closed");
        m.remove("owner");
        assertEquals(flat(), copy);
    }

    @Test
    void leavesOtherMapsToTheGeneralCopy() throws Exception {
        Map<String, Object> withDouble = flat();
        withDouble.put("ratio", 0.5);
        assertEquals(withDouble, Values.snapshot(withDouble, 1 << 20));
        Map<String, Object> identity = new IdentityHashMap<>();
        identity.put(new String("k"), 1);
        identity.put(new String("k"), 2);
        assertTrue(assertThrows(InvalidValueException.class, () -> Values.snapshot(identity, 1 << 20)).getMessage()
                .contains("equal keys twice"));
        Map<Object, Object> intKey = new LinkedHashMap<>();
        intKey.put(1, "x");
        assertTrue(assertThrows(InvalidValueException.class, () -> Values.snapshot(intKey, 1 << 20)).getMessage()
                .contains("is not a String"));
    }
}
