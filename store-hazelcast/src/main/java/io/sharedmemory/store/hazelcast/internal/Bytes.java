package io.sharedmemory.store.hazelcast.internal;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Byte-array streams without locks, under the {@code Data} streams every record, step and answer of the store is
 * written and read through. {@link java.io.ByteArrayOutputStream} and {@link java.io.ByteArrayInputStream} take a
 * monitor per call, and a {@code DataOutputStream} makes one call per byte of a number or an ASCII string: several
 * hundred monitor enters for one write's step, payload, decision and record, all of them for a stream that one thread
 * owns.
 */
final class Bytes {
    private Bytes() {
    }

    /** A growable array written by one thread. */
    static final class Out extends OutputStream {
        private byte[] buf;
        private int count;

        Out(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        @Override
        public void write(int b) {
            if (count == buf.length) {
                grow(1);
            }
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len > buf.length - count) {
                grow(len);
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void grow(int more) {
            buf = Arrays.copyOf(buf, Math.max(buf.length << 1, count + more));
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }
    }

    /** An array read by one thread. */
    static final class In extends InputStream {
        private final byte[] buf;
        private int pos;

        In(byte[] buf) {
            this.buf = buf;
        }

        @Override
        public int read() {
            return pos < buf.length ? buf[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int n = Math.min(len, buf.length - pos);
            if (n <= 0) {
                return -1;
            }
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return buf.length - pos;
        }

        @Override
        public long skip(long n) {
            int k = (int) Math.max(0, Math.min(n, buf.length - pos));
            pos += k;
            return k;
        }
    }
}
