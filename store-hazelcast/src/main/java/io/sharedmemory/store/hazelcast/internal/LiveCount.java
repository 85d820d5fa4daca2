package io.sharedmemory.store.hazelcast.internal;

import com.hazelcast.aggregation.Aggregator;
import java.util.Map;

/** Counts the records that hold an entry (not the tombstones), on every member at once. */
final class LiveCount implements Aggregator<Map.Entry<String, byte[]>, Long> {
    private static final long serialVersionUID = 1L;

    long count;

    @Override
    public void accumulate(Map.Entry<String, byte[]> input) {
        if (EntryRecord.holdsEntry(input.getValue())) {
            count++;
        }
    }

    @Override
    @SuppressWarnings("rawtypes") // Hazelcast's own signature
    public void combine(Aggregator aggregator) {
        count += ((LiveCount) aggregator).count;
    }

    @Override
    public Long aggregate() {
        return count;
    }
}
