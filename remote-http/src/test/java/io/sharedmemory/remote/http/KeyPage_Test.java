package io.sharedmemory.remote.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pages of keys: by prefix, after a cursor, never repeating or skipping a key that stayed between two pages. */
class KeyPage_Test {
    private static final List<String> KEYS = List.of("a", "b/1", "b/2", "b/3", "c");

    @Test
    void pagesThroughAPrefix() {
        KeyPage first = KeyPage.of(KEYS, "b/", null, 2);
        assertEquals(List.of("b/1", "b/2"), first.keys());
        KeyPage second = KeyPage.of(KEYS, "b/", first.nextCursor(), 2);
        assertEquals(List.of("b/3"), second.keys());
        assertNull(second.nextCursor());
        assertEquals(List.of(), KeyPage.of(KEYS, "z", null, 5).keys());
        assertNull(KeyPage.of(KEYS, "", null, 5).nextCursor(), "exactly one full page: no next");
    }

    @Test
    void aKeyAddedOrRemovedBetweenPagesDoesNotShiftTheOthers() {
        KeyPage first = KeyPage.of(KEYS, null, null, 2);
        List<String> changed = new ArrayList<>(List.of("a", "aa", "b/2", "b/3", "c")); // b/1 deleted, aa added
        KeyPage second = KeyPage.of(changed, null, first.nextCursor(), 10);
        assertEquals(List.of("b/2", "b/3", "c"), second.keys());
    }

    @Test
    void refusesACursorItDidNotMake() {
        assertThrows(IllegalArgumentException.class, () -> KeyPage.of(KEYS, null, "!!", 2));
        assertThrows(IllegalArgumentException.class, () -> KeyPage.of(KEYS, null, null, 0));
    }
}
