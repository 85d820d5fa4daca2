package io.sharedmemory.engine.internal;

/** Marks the engine's own immutable JSON-like containers, so that a value already snapshotted is never copied again. */
interface Json {
    /** @return the estimated JSON-encoded size in bytes, computed when the container was built */
    long estimatedBytes();
}
