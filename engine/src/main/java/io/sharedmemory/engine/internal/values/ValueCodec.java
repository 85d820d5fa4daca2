package io.sharedmemory.engine.internal.values;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.SharedMemory;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The binary form of values and entries: one tag byte per value, then its content; strings as a length and UTF-8
 * bytes (so unpaired surrogates do not survive: the engine refuses them in names, and a value holding one reads back
 * with a replacement character — see GUARANTEES). Read back, a value is the engine's immutable snapshot (maps and lists
 * in order, each number of the type it was written as), with the same size estimate the snapshot of the original had.
 * A record that does not parse is a {@link StreamCorruptedException}: never a half-read value.
 */
public final class ValueCodec {
    private static final int NULL = 0;
    private static final int TRUE = 1;
    private static final int FALSE = 2;
    private static final int INT = 3;
    private static final int LONG = 4;
    private static final int SHORT = 5;
    private static final int BYTE = 6;
    private static final int DOUBLE = 7;
    private static final int FLOAT = 8;
    private static final int BIG_INTEGER = 9;
    private static final int BIG_DECIMAL = 10;
    private static final int STRING = 11;
    private static final int MAP = 12;
    private static final int LIST = 13;
    /** Longer than any value the engine accepts; a length beyond it is a corrupt record. */
    private static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

    private ValueCodec() {
    }

    public static void writeEntry(MemoryEntry e, DataOutput out) throws IOException {
        out.writeLong(e.version());
        out.writeLong(e.timestampMillis());
        out.writeLong(e.expiresAtMillis());
        writeString(e.ownerId(), out);
        writeValue(e.metadata(), out, 0);
        writeValue(e.value(), out, 0);
    }

    @SuppressWarnings("unchecked")
    public static MemoryEntry readEntry(DataInput in) throws IOException {
        long version = in.readLong();
        long timestamp = in.readLong();
        long expiresAt = in.readLong();
        String owner = readString(in);
        Object metadata = readValue(in, 0);
        Object value = readValue(in, 0);
        if (version < 1 || value == null || !(metadata instanceof Map)) {
            throw new StreamCorruptedException("not an entry: version " + version + ", value " + value);
        }
        return MemoryEntry.of(value, owner, timestamp, version, (Map<String, Object>) metadata, expiresAt);
    }

    public static void writeValue(Object v, DataOutput out, int depth) throws IOException {
        if (depth > SharedMemory.MAX_DEPTH + 1) {
            throw new IllegalArgumentException("value nested deeper than " + SharedMemory.MAX_DEPTH);
        }
        if (v == null) {
            out.writeByte(NULL);
            return;
        }
        Class<?> c = v.getClass();
        if (c == String.class) {
            out.writeByte(STRING);
            writeString((String) v, out);
        } else if (c == Integer.class) {
            out.writeByte(INT);
            out.writeInt((Integer) v);
        } else if (c == Long.class) {
            out.writeByte(LONG);
            out.writeLong((Long) v);
        } else if (c == Boolean.class) {
            out.writeByte((Boolean) v ? TRUE : FALSE);
        } else if (c == Double.class) {
            out.writeByte(DOUBLE);
            out.writeDouble((Double) v);
        } else if (c == Float.class) {
            out.writeByte(FLOAT);
            out.writeFloat((Float) v);
        } else if (c == Short.class) {
            out.writeByte(SHORT);
            out.writeShort((Short) v);
        } else if (c == Byte.class) {
            out.writeByte(BYTE);
            out.writeByte((Byte) v);
        } else if (c == BigInteger.class) {
            out.writeByte(BIG_INTEGER);
            writeBytes(((BigInteger) v).toByteArray(), out);
        } else if (c == BigDecimal.class) {
            BigDecimal d = (BigDecimal) v;
            out.writeByte(BIG_DECIMAL);
            out.writeInt(d.scale());
            writeBytes(d.unscaledValue().toByteArray(), out);
        } else if (c == JsonMap.class) {
            // the engine's own snapshots (every stored value): their arrays, without an iterator or an entry per pair
            Object[] kv = ((JsonMap) v).pairs();
            out.writeByte(MAP);
            out.writeInt(kv.length >> 1);
            for (int i = 0; i < kv.length; i += 2) {
                writeString((String) kv[i], out);
                writeValue(kv[i + 1], out, depth + 1);
            }
        } else if (c == JsonList.class) {
            Object[] elements = ((JsonList) v).elements();
            out.writeByte(LIST);
            out.writeInt(elements.length);
            for (Object e : elements) {
                writeValue(e, out, depth + 1);
            }
        } else if (v instanceof Map<?, ?> m) {
            out.writeByte(MAP);
            out.writeInt(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                writeString((String) e.getKey(), out);
                writeValue(e.getValue(), out, depth + 1);
            }
        } else if (v instanceof List<?> l) {
            out.writeByte(LIST);
            out.writeInt(l.size());
            for (Object e : l) {
                writeValue(e, out, depth + 1);
            }
        } else {
            throw new IllegalArgumentException("not a stored value: " + c.getName());
        }
    }

    /** Reads a value, building the engine's snapshot (with its size estimate and depth) as it goes. */
    public static Object readValue(DataInput in, int depth) throws IOException {
        if (depth > SharedMemory.MAX_DEPTH + 1) {
            throw new StreamCorruptedException("value nested deeper than " + SharedMemory.MAX_DEPTH);
        }
        int tag = in.readUnsignedByte();
        switch (tag) {
            case NULL:
                return null;
            case TRUE:
                return Boolean.TRUE;
            case FALSE:
                return Boolean.FALSE;
            case INT:
                return in.readInt();
            case LONG:
                return in.readLong();
            case SHORT:
                return in.readShort();
            case BYTE:
                return in.readByte();
            case DOUBLE:
                return finite(in.readDouble());
            case FLOAT:
                return (float) finite(in.readFloat());
            case BIG_INTEGER:
                return new BigInteger(readBytes(in));
            case BIG_DECIMAL: {
                int scale = in.readInt();
                return new BigDecimal(new BigInteger(readBytes(in)), scale);
            }
            case STRING:
                return readString(in);
            case MAP: {
                int n = length(in.readInt());
                Object[] kv = new Object[2 * n];
                long bytes = 2;
                int deepest = 0;
                for (int i = 0; i < n; i++) {
                    String k = readString(in);
                    Object v = readValue(in, depth + 1);
                    kv[2 * i] = k;
                    kv[2 * i + 1] = v;
                    bytes += k.length() + 4L + Values.estimatedBytes(v);
                    deepest = Math.max(deepest, depthOf(v));
                }
                return new JsonMap(kv, bytes, deepest + 1);
            }
            case LIST: {
                int n = length(in.readInt());
                Object[] elements = new Object[n];
                long bytes = 2;
                int deepest = 0;
                for (int i = 0; i < n; i++) {
                    Object v = readValue(in, depth + 1);
                    elements[i] = v;
                    bytes += 1 + Values.estimatedBytes(v);
                    deepest = Math.max(deepest, depthOf(v));
                }
                return new JsonList(elements, bytes, deepest + 1);
            }
            default:
                throw new StreamCorruptedException("unknown value tag " + tag);
        }
    }

    private static int depthOf(Object v) {
        return v instanceof JsonSnapshot j ? j.depth() : 0;
    }

    private static double finite(double d) throws StreamCorruptedException {
        if (!Double.isFinite(d)) {
            throw new StreamCorruptedException("a stored number is " + d);
        }
        return d;
    }

    private static int length(int n) throws StreamCorruptedException {
        if (n < 0 || n > MAX_LENGTH) {
            throw new StreamCorruptedException("length " + n);
        }
        return n;
    }

    public static void writeString(String s, DataOutput out) throws IOException {
        // not writeUTF: it stops at 64 KB and uses a modified encoding
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                writeBytes(s.getBytes(StandardCharsets.UTF_8), out);
                return;
            }
        }
        // ASCII (keys, agent ids, most values): its UTF-8 bytes are its chars' low bytes, written without a copy
        out.writeInt(n);
        out.writeBytes(s);
    }

    public static String readString(DataInput in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static void writeBytes(byte[] b, DataOutput out) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInput in) throws IOException {
        byte[] b = new byte[length(in.readInt())];
        in.readFully(b);
        return b;
    }
}
