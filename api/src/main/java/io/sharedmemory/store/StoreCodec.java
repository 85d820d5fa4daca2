package io.sharedmemory.store;

import io.sharedmemory.api.MemoryEntry;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The engine's binary form of what a store writes down or sends away: entries (value, owner, timestamp, version,
 * metadata, deadline), and the engine's steps and decisions for a store that runs steps in another process. The form
 * is compact, exact (every number keeps its type and value) and the same in every process that runs the same engine
 * version; an entry read back is equal to the one written and is an immutable snapshot the engine can hand out.
 */
@ProviderType
public interface StoreCodec {
    /**
     * @param entry an entry the engine stored
     * @param out where to write it
     * @throws IOException when {@code out} fails
     */
    void writeEntry(MemoryEntry entry, DataOutput out) throws IOException;

    /**
     * @param in what {@link #writeEntry} wrote
     * @return the entry
     * @throws IOException when {@code in} fails or does not hold an entry (a corrupt record)
     */
    MemoryEntry readEntry(DataInput in) throws IOException;

    /**
     * @param step one of the engine's steps
     * @param out where to write it
     * @throws IOException when {@code out} fails
     * @throws IllegalArgumentException when the step is not the engine's
     */
    void writeStep(KeyStep step, DataOutput out) throws IOException;

    /**
     * @param in what {@link #writeStep} wrote (possibly in another process)
     * @return the step, bound to this process's engine (its strategies are looked up here when it runs)
     * @throws IOException when {@code in} fails or does not hold a step
     */
    KeyStep readStep(DataInput in) throws IOException;

    /**
     * @param decision a decision one of the engine's steps returned
     * @param out where to write it, with the outcome the engine needs from it
     * @throws IOException when {@code out} fails
     */
    void writeDecision(Decision decision, DataOutput out) throws IOException;

    /**
     * @param in what {@link #writeDecision} wrote
     * @return the decision, carrying the outcome
     * @throws IOException when {@code in} fails or does not hold a decision
     */
    Decision readDecision(DataInput in) throws IOException;
}
