package io.sharedmemory.engine.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.store.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keys that share a String.hashCode — made from "Aa"/"BB" blocks, as anyone can — land in one bin, which stays a
 * balanced tree: its height stays logarithmic while they are added and removed in any order, and removing any of
 * them, even the first of 16 384, recurses no deeper than that height.
 */
class SegmentedEntryStore_CollisionTest {
    /** 2^blocks distinct keys of one hash code. */
    static List<String> collidingKeys(int blocks) {
        List<String> keys = new ArrayList<>(List.of(""));
        for (int b = 0; b < blocks; b++) {
            List<String> next = new ArrayList<>(keys.size() * 2);
            for (String k : keys) {
                next.add(k + "Aa");
                next.add(k + "BB");
            }
            keys = next;
        }
        return keys;
    }

    private static MemoryEntry entry(int i) {
        return MemoryEntry.of(i, "a", 1L, 1, Map.of(), MemoryEntry.NO_EXPIRY);
    }

    @Test
    void sixteenThousandKeysOfOneHash_keepTheirBinLogarithmic_throughInsertsAndRemovals() {
        List<String> keys = collidingKeys(14);
        assertEquals(16_384, keys.stream().distinct().count());
        assertEquals(1, keys.stream().mapToInt(String::hashCode).distinct().count());
        SegmentedEntryStore store = new SegmentedEntryStore();
        for (int i = 0; i < keys.size(); i++) {
            MemoryEntry e = entry(i);
            store.apply(keys.get(i), cur -> Decision.put(e), null);
        }
        int maxAvlHeight = (int) Math.ceil(1.45 * Math.log(keys.size() + 2) / Math.log(2));
        assertTrue(store.binHeight(keys.get(0)) <= maxAvlHeight, "height " + store.binHeight(keys.get(0)));
        assertEquals(keys.size(), store.size());
        for (int i = 0; i < keys.size(); i += 97) {
            assertEquals(i, store.get(keys.get(i)).value());
        }
        // removing the first key (the deepest copy a chain would have made) and every other one
        store.apply(keys.get(0), cur -> Decision.remove(), null);
        assertNull(store.get(keys.get(0)));
        for (int i = 2; i < keys.size(); i += 2) {
            store.apply(keys.get(i), cur -> Decision.remove(), null);
        }
        assertEquals(keys.size() / 2, store.size());
        assertTrue(store.binHeight(keys.get(1)) <= maxAvlHeight, "height " + store.binHeight(keys.get(1)));
        int[] seen = {0};
        store.forEach((k, e) -> seen[0]++);
        assertEquals(keys.size() / 2, seen[0]);
        for (int i = 1; i < keys.size(); i += 2) {
            assertEquals(i, store.get(keys.get(i)).value());
        }
    }
}
