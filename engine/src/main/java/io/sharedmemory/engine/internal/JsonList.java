package io.sharedmemory.engine.internal;

import java.util.AbstractList;
import java.util.RandomAccess;

/** An immutable list over an array; null elements allowed (JSON null). */
final class JsonList extends AbstractList<Object> implements RandomAccess, Json {
    private final Object[] elements;
    private final long estimatedBytes;

    JsonList(Object[] elements, long estimatedBytes) {
        this.elements = elements;
        this.estimatedBytes = estimatedBytes;
    }

    @Override
    public long estimatedBytes() {
        return estimatedBytes;
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
