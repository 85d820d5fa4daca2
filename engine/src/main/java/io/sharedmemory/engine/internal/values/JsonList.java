package io.sharedmemory.engine.internal.values;

import java.util.AbstractList;
import java.util.RandomAccess;

/** An immutable list over an array; null elements allowed (JSON null). */
public final class JsonList extends AbstractList<Object> implements RandomAccess, JsonSnapshot {
    private final Object[] elements;
    private final long estimatedBytes;
    private final int depth;

    /** The elements, for the codec's walk (never written to). */
    Object[] elements() {
        return elements;
    }

    public JsonList(Object[] elements, long estimatedBytes, int depth) {
        this.elements = elements;
        this.estimatedBytes = estimatedBytes;
        this.depth = depth;
    }

    @Override
    public long estimatedBytes() {
        return estimatedBytes;
    }

    @Override
    public int depth() {
        return depth;
    }

    @Override
    public Object get(int index) {
        return elements[index];
    }

    @Override
    public int size() {
        return elements.length;
    }
}
