package io.sharedmemory.engine.internal.store;

import java.util.List;

/** Keys of one String.hashCode, for the tests of other packages. */
public final class SegmentedEntryStore_CollisionTestKeys {
    private SegmentedEntryStore_CollisionTestKeys() {
    }

    /** @return 2^blocks distinct keys made of "Aa"/"BB" blocks, all of one hash code */
    public static List<String> of(int blocks) {
        return SegmentedEntryStore_CollisionTest.collidingKeys(blocks);
    }
}
