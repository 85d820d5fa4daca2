package io.sharedmemory.store.file.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The snapshot file's name and header. A snapshot {@code snapshot-<cut>.snap} holds the whole state as it was at
 * some moment after the log stood at position {@code cut} (19 digits: {@code segment << 32 | offset}; a 32-byte header:
 * magic, cut, creation time, checksum; then a SNAP_NS record per namespace followed by a PUT per entry, then SNAP_END
 * with the counts); recovery loads it and replays the log from that position on. It is written as
 * {@code snapshot-<cut>.tmp}, forced, and renamed.
 */
final class Snapshots {
    static final int HEADER = 32;
    private static final byte[] MAGIC = "SM-SNP01".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private Snapshots() {
    }

    static final int DIGITS = 19;

    static String name(long cut) {
        return String.format("snapshot-%019d%s", cut, Recovery.SNAPSHOT_SUFFIX);
    }

    static String tempName(long cut) {
        return String.format("snapshot-%019d%s", cut, Recovery.TEMP_SUFFIX);
    }

    /** @return the cut in a snapshot's (or its temporary file's) name, or -1 */
    static long cut(String name, String suffix) {
        return Log.number(name, "snapshot-", suffix, DIGITS);
    }

    static byte[] header(long cut, long createdMillis) {
        byte[] h = new byte[HEADER];
        System.arraycopy(MAGIC, 0, h, 0, 8);
        LONG.set(h, 8, cut);
        LONG.set(h, 16, createdMillis);
        CRC32C crc = new CRC32C();
        crc.update(h, 0, 24);
        INT.set(h, 24, (int) crc.getValue());
        return h;
    }

    /** @return why the header is not that of the snapshot cut at {@code cut}, or null */
    static String checkHeader(byte[] h, long cut) {
        if (!Arrays.equals(h, 0, 8, MAGIC, 0, 8)) {
            return "not a snapshot of the file store (its first bytes are not the snapshot's magic)";
        }
        CRC32C crc = new CRC32C();
        crc.update(h, 0, 24);
        if ((int) INT.get(h, 24) != (int) crc.getValue()) {
            return "the snapshot's header checksum does not match";
        }
        long in = (long) LONG.get(h, 8);
        return in == cut ? null : "the header says the snapshot was cut at position " + in + ", its name says " + cut;
    }

    static long created(byte[] h) {
        return (long) LONG.get(h, 16);
    }
}
