package io.sharedmemory.strategies.internal;

import static io.sharedmemory.strategies.internal.Entries.context;
import static io.sharedmemory.strategies.internal.Entries.existing;
import static io.sharedmemory.strategies.internal.Entries.incoming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.spi.Resolution;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MergeStrategy_BehaviourTest {
    private final MergeStrategy strategy = new MergeStrategy();

    private Resolution merge(Object a, Object b) {
        return strategy.resolve(existing(a), incoming(b), context(NamespaceConfig.MERGE));
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void name_isMerge() {
        assertEquals("merge", strategy.name());
    }

    @Test
    void resolve_mapsAsInTheSpecification() {
        Resolution r = merge(Map.of("name", "Alice"), Map.of("age", 30));
        assertEquals(Resolution.Kind.REPLACE, r.kind());
        assertEquals(Map.of("name", "Alice", "age", 30), r.value());
    }

    @Test
    void resolve_mapsKeepExistingKeysFirstAndIncomingWinsPerKey() {
        Resolution r = merge(map("a", 1, "b", 2, "c", 3), map("d", 4, "b", 20));
        assertEquals(map("a", 1, "b", 20, "c", 3, "d", 4), r.value());
        assertEquals(List.of("a", "b", "c", "d"), new ArrayList<>(((Map<?, ?>) r.value()).keySet()));
    }

    @Test
    void resolve_mapsAreShallow_nestedMapsAreReplacedNotMerged() {
        Resolution r = merge(map("user", map("name", "Bob", "age", 40)), map("user", map("age", 41)));
        assertEquals(map("user", map("age", 41)), r.value());
    }

    @Test
    void resolve_preservesNullsInMapsAndLists() {
        Resolution maps = merge(map("a", null, "b", 1), map("b", null, "c", null));
        assertEquals(map("a", null, "b", null, "c", null), maps.value());
        Resolution lists = merge(Arrays.asList(1, null), Arrays.asList(null, "x"));
        assertEquals(Arrays.asList(1, null, null, "x"), lists.value());
    }

    @Test
    void resolve_listsConcatenate() {
        Resolution r = merge(List.of("a", "b"), List.of("c"));
        assertEquals(Resolution.Kind.REPLACE, r.kind());
        assertEquals(List.of("a", "b", "c"), r.value());
    }

    @Test
    void resolve_keepsTheIncomingMetadata() {
        assertNull(merge(List.of(1), List.of(2)).metadata());
        assertNull(merge(Map.of("a", 1), Map.of("b", 2)).metadata());
    }

    @Test
    void resolve_mergedValuesAreUnmodifiable() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) merge(Map.of("a", 1), Map.of("b", 2)).value();
        assertThrows(UnsupportedOperationException.class, () -> m.put("c", 3));
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) merge(List.of(1), List.of(2)).value();
        assertThrows(UnsupportedOperationException.class, () -> l.add(3));
    }

    @Test
    void resolve_leavesBothInputsUnchanged() {
        Map<String, Object> a = map("a", 1);
        Map<String, Object> b = map("a", 2, "b", 3);
        merge(a, b);
        assertEquals(map("a", 1), a);
        assertEquals(map("a", 2, "b", 3), b);
    }

    @Test
    void resolve_anyOtherPairAcceptsTheIncomingValue() {
        Object[][] pairs = {{1, 2}, {"a", "b"}, {Map.of("a", 1), List.of(1)}, {List.of(1), Map.of("a", 1)},
                {"text", Map.of("a", 1)}, {Map.of("a", 1), 5}, {true, List.of()}};
        for (Object[] p : pairs) {
            assertEquals(Resolution.Kind.ACCEPT, merge(p[0], p[1]).kind(), () -> Arrays.toString(p));
        }
    }

    @Test
    void resolve_emptyIncomingMapKeepsTheExistingContent() {
        Resolution r = merge(Map.of("a", 1), Map.of());
        assertEquals(Resolution.Kind.REPLACE, r.kind());
        assertTrue(r.value() instanceof Map<?, ?> m && m.equals(Map.of("a", 1)));
    }
}
