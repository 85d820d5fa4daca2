package io.sharedmemory.store.file.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A mapped segment is mapped a window at a time (a quarter of the segment, at most 2 MiB): records written at growing
 * offsets — small ones, ones that straddle two windows, ones longer than a window — and header writes (the watermark)
 * between them, with forces (which unmap the windows left behind) at random moments, leave exactly those bytes in the
 * file.
 */
class NioDisk_MappedSegmentTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "segment of {0} bytes")
    @ValueSource(ints = {128 << 10, 9 << 20})
    void recordsAcrossWindows_landWhereTheyWereWritten(int size) throws IOException {
        int window = NioDisk.windowSize(size);
        byte[] expected = new byte[size];
        Random random = new Random(42);
        Path path = dir.resolve("log-0000000000000001.seg");
        Disk.SegmentFile segment = NioDisk.INSTANCE.createSegment(path, size, false);
        int offset = Log.HEADER;
        int records = 0;
        try {
            while (true) {
                int length = switch (random.nextInt(20)) {
                    case 0 -> window + random.nextInt(window / 2); // longer than a window
                    case 1 -> 4096 + random.nextInt(window / 4);
                    default -> 1 + random.nextInt(300);
                };
                if (offset + length > size) {
                    break;
                }
                byte[] record = new byte[length];
                random.nextBytes(record);
                segment.write(offset, record, 0, length);
                System.arraycopy(record, 0, expected, offset, length);
                offset += length;
                records++;
                if (random.nextInt(50) == 0) {
                    byte[] watermark = Log.watermark(offset);
                    segment.write(Log.WATERMARK_AT, watermark, 0, watermark.length);
                    System.arraycopy(watermark, 0, expected, Log.WATERMARK_AT, watermark.length);
                    segment.force(0, offset);
                }
            }
            segment.force(0, offset);
        } finally {
            segment.close();
        }
        byte[] found = Files.readAllBytes(path);
        assertEquals(size, found.length);
        assertArrayEquals(expected, found, records + " records up to offset " + offset);
    }
}
