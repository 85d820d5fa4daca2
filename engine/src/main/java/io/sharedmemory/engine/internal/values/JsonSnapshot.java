package io.sharedmemory.engine.internal.values;

/** Marks the engine's own immutable JSON-like containers, so that a value already snapshotted is never copied again. */
public interface JsonSnapshot {
    /** @return the estimated JSON-encoded size in bytes, computed when the container was built */
    public long estimatedBytes();

    /** @return the levels of nesting: 1 for a container of scalars */
    public int depth();
}
