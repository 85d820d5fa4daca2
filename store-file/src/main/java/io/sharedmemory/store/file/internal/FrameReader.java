package io.sharedmemory.store.file.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads framed records ({@code [int length][int crc32c][body]}, see {@link RecordWriter}) one after the other from a
 * file, through a buffer, and says exactly where and why it stopped: at the end of the file, at zeros (the unwritten
 * rest of a pre-allocated segment), or at a frame that is not whole (a length that runs past the file, a checksum
 * that does not match).
 */
final class FrameReader {
    enum Stop {
        /** A whole record was read: {@link #type()}, {@link #body()}. */
        RECORD,
        /** The file ends here. */
        END_OF_FILE,
        /** Zeros begin here (no record has length 0). */
        ZEROS,
        /** The frame here is not whole: {@link #why()}. */
        DAMAGED
    }

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final Disk.ReadFile file;
    private final long size;
    private final CRC32C crc = new CRC32C();
    private final RecordReader body = new RecordReader();
    private byte[] buf;
    /** The file offset of buf[0]. */
    private long base;
    private int limit;
    /** The file offset of the next frame. */
    private long next;
    /** The file offset of the frame last returned (or where reading stopped). */
    private long at;
    private int type;
    private String why;

    FrameReader(Disk.ReadFile file, long start, int bufferSize) throws IOException {
        this.file = file;
        this.size = file.size();
        this.buf = new byte[bufferSize];
        this.base = start;
        this.next = start;
    }

    long size() {
        return size;
    }

    /** @return the offset of the frame last returned, or where reading stopped */
    long offset() {
        return at;
    }

    /** @return the offset just after the last whole record read */
    long end() {
        return next;
    }

    int type() {
        return type;
    }

    RecordReader body() {
        return body;
    }

    String why() {
        return why;
    }

    Stop next() throws IOException {
        at = next;
        if (size - next < RecordWriter.FRAME) {
            if (size - next > 0 && !zeros(next, size)) {
                why = "the file ends " + (size - next) + " bytes into a record's frame";
                return Stop.DAMAGED;
            }
            return Stop.END_OF_FILE;
        }
        fill(next, RecordWriter.FRAME);
        int i = (int) (next - base);
        int length = (int) INT.get(buf, i);
        int sum = (int) INT.get(buf, i + 4);
        if (length == 0 && sum == 0) {
            return Stop.ZEROS;
        }
        if (length < 1 || length > size - next - RecordWriter.FRAME) {
            why = "a record's length (" + length + ") runs past the end of the file (" + (size - next
                    - RecordWriter.FRAME) + " bytes left)";
            return Stop.DAMAGED;
        }
        fill(next, RecordWriter.FRAME + length);
        i = (int) (next - base);
        crc.reset();
        crc.update(buf, i, 4);
        crc.update(buf, i + RecordWriter.FRAME, length);
        if ((int) crc.getValue() != sum) {
            why = "a record's checksum does not match its contents";
            return Stop.DAMAGED;
        }
        type = buf[i + RecordWriter.FRAME] & 0xff;
        body.reset(buf, i + RecordWriter.FRAME + 1, i + RecordWriter.FRAME + length);
        next += RecordWriter.FRAME + length;
        return Stop.RECORD;
    }

    /** Makes [from, from + n) of the file available in the buffer. */
    private void fill(long from, int n) throws IOException {
        if (from >= base && from + n <= base + limit) {
            return;
        }
        if (n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(n, buf.length << 1));
        }
        int keep = from >= base && from < base + limit ? (int) (base + limit - from) : 0;
        if (keep > 0) {
            System.arraycopy(buf, (int) (from - base), buf, 0, keep);
        }
        base = from;
        limit = keep;
        ByteBuffer into = ByteBuffer.wrap(buf, limit, buf.length - limit);
        while (limit < n) {
            int r = file.read(into, base + limit);
            if (r < 0) {
                throw new IOException("the file ended while reading a record that fits in it");
            }
            limit += r;
        }
    }

    /** @return whether the bytes [from, to) of the file are all zero */
    boolean zeros(long from, long to) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long p = from;
        while (p < to) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), to - p));
            int r = file.read(chunk, p);
            if (r < 0) {
                return true;
            }
            for (int i = 0; i < r; i++) {
                if (chunk.get(i) != 0) {
                    return false;
                }
            }
            p += r;
        }
        return true;
    }
}
