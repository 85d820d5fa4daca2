package io.sharedmemory.store.file.internal;

import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Builds one framed record in a reusable array: {@code [int length][int crc32c][body]}, where the body is a type byte
 * and its fields, and the checksum covers the length's four bytes and the body (so that a torn length is caught too).
 * Numbers are big-endian, as {@link DataOutput} defines them; strings written with {@link #writeString} are a length and
 * UTF-8. Each thread has its own ({@link #local()}); a record is built, handed to the log, and the writer reused.
 */
final class RecordWriter implements DataOutput {
    static final int FRAME = 8;
    private static final int KEEP = 1 << 20;
    private static final ThreadLocal<RecordWriter> LOCAL = ThreadLocal.withInitial(RecordWriter::new);

    private byte[] buf = new byte[256];
    /** The same array, for its multi-byte puts (one wide store each; big-endian, ByteBuffer's default). */
    private ByteBuffer view = ByteBuffer.wrap(buf);
    private int pos;
    private final CRC32C crc = new CRC32C();

    /** @return this thread's writer, empty (one that grew beyond 1 MiB for a big value is replaced by a small one) */
    static RecordWriter local() {
        RecordWriter w = LOCAL.get();
        if (w.buf.length > KEEP) {
            w = new RecordWriter();
            LOCAL.set(w);
        }
        return w;
    }

    /** Starts a record of the given type. */
    RecordWriter begin(int type) {
        pos = FRAME;
        buf[pos++] = (byte) type;
        return this;
    }

    /** Frames the record: its length and checksum in front. @return the record's size in bytes */
    int finish() {
        int length = pos - FRAME;
        view.putInt(0, length);
        crc.reset();
        crc.update(buf, 0, 4);
        crc.update(buf, FRAME, length);
        view.putInt(4, (int) crc.getValue());
        return pos;
    }

    byte[] array() {
        return buf;
    }

    int size() {
        return pos;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length << 1, pos + more));
            view = ByteBuffer.wrap(buf);
        }
    }

    /** A length, then the string's UTF-8 bytes (names and keys: ASCII in the common case, copied char by char). */
    void writeString(String s) {
        int n = s.length();
        ensure(4 + n);
        int start = pos;
        pos += 4;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                pos = start;
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                writeInt(utf8.length);
                write(utf8, 0, utf8.length);
                return;
            }
            buf[pos++] = (byte) c;
        }
        view.putInt(start, n);
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    @Override
    public void writeBoolean(boolean v) {
        write(v ? 1 : 0);
    }

    @Override
    public void writeByte(int v) {
        write(v);
    }

    @Override
    public void writeShort(int v) {
        ensure(2);
        view.putShort(pos, (short) v);
        pos += 2;
    }

    @Override
    public void writeChar(int v) {
        writeShort(v);
    }

    @Override
    public void writeInt(int v) {
        ensure(4);
        view.putInt(pos, v);
        pos += 4;
    }

    @Override
    public void writeLong(long v) {
        ensure(8);
        view.putLong(pos, v);
        pos += 8;
    }

    @Override
    public void writeFloat(float v) {
        writeInt(Float.floatToIntBits(v));
    }

    @Override
    public void writeDouble(double v) {
        writeLong(Double.doubleToLongBits(v));
    }

    @Override
    public void writeBytes(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
    }

    @Override
    public void writeChars(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            writeChar(s.charAt(i));
        }
    }

    @Override
    public void writeUTF(String s) {
        try {
            new DataOutputStream(new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    RecordWriter.this.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    RecordWriter.this.write(b, off, len);
                }
            }).writeUTF(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
