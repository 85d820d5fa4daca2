package io.sharedmemory.store.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.engine.conformance.TestStoreContext;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.StoreException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash in the middle of a write leaves the last record torn: at every byte offset of the last records, the store
 * opens with exactly the records before the tear, logs it once, and goes on (writes, a second reopen with no warning).
 * Damage where records had been forced is refused, naming the file and the offset.
 */
class FileStore_TornTailTest {
    private static final int RECORDS = 12;
    private static final int TORN = 2;

    @TempDir
    Path dir;
    private final LogCapture log = new LogCapture();

    @AfterEach
    void stopCapture() {
        log.close();
    }

    private static FileStore store(Path where) {
        // no periodic force during the test: nothing is forced, as after a crash before the first interval
        return FileStore.builder(where).syncInterval(Duration.ofHours(1)).segmentSize(64 << 10).build();
    }

    private static MemoryEntry entry(int i) {
        return MemoryEntry.of(Map.of("i", i, "text", "value number " + i), "agent", 1_000L + i, 1, Map.of(),
                MemoryEntry.NO_EXPIRY);
    }

    /** Writes the records into a store left open (as a killed process leaves it) and copies the directory. */
    private Path crashImage(boolean closeCleanly) {
        Path live = dir.resolve("live");
        FileStore s = store(live);
        s.open(new TestStoreContext());
        s.addNamespace("ns", NamespaceConfig.defaults());
        EntryTable t = s.entries("ns");
        for (int i = 0; i < RECORDS; i++) {
            MemoryEntry e = entry(i);
            t.apply("k" + i, cur -> Decision.put(e), null);
        }
        Path image = dir.resolve("image");
        if (closeCleanly) {
            s.close();
            TestFiles.copyTree(live, image);
        } else {
            TestFiles.copyTree(live, image);
            s.close();
        }
        return image;
    }

    private static Path segment(Path store) throws IOException {
        try (Stream<Path> files = Files.list(store)) {
            List<Path> segments = files.filter(p -> p.getFileName().toString().startsWith("log-")).sorted().toList();
            return segments.get(0);
        }
    }

    /** @return the offset of each record in the segment, and its end as the last element */
    private static List<Integer> boundaries(Path segment) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment));
        List<Integer> at = new ArrayList<>();
        int p = 64;
        while (p + 8 <= b.limit() && b.getInt(p) != 0) {
            at.add(p);
            p += 8 + b.getInt(p);
        }
        at.add(p);
        return at;
    }

    private static Map<String, Object> open(Path store) {
        FileStore s = store(store);
        try {
            s.open(new TestStoreContext());
            Map<String, Object> found = new TreeMap<>();
            s.entries("ns").forEach((k, e) -> found.put(k, e.value()));
            return found;
        } finally {
            s.close();
        }
    }

    private static Map<String, Object> firstRecords(int n) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            m.put("k" + i, entry(i).value());
        }
        return m;
    }

    @Test
    void aTornTail_atEveryByteOffsetOfTheLastRecords_isCutOffOnce_andTheStoreGoesOn() throws Exception {
        Path image = crashImage(false);
        List<Integer> at = boundaries(segment(image));
        byte[] original = Files.readAllBytes(segment(image));
        // records: the namespace, then the entries; the last TORN entries are torn at each of their bytes
        int firstTorn = at.size() - 1 - TORN;
        int end = at.get(at.size() - 1);
        log.take();
        for (int cut = at.get(firstTorn); cut < end; cut++) {
            int whole = 0;
            while (at.get(whole + 1) <= cut) {
                whole++;
            }
            // a tear is seen when what is left of the torn record is not all zeros (a lone zero byte of a length
            // says nothing); either way the record is gone and the file is cut at the last whole one
            boolean inside = false;
            for (int i = at.get(whole); i < cut; i++) {
                inside |= original[i] != 0;
            }
            for (String how : List.of("truncated", "zeroed")) {
                Path copy = dir.resolve("cut-" + how + "-" + cut);
                TestFiles.copyTree(image, copy);
                Path seg = segment(copy);
                try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
                    if (how.equals("truncated")) {
                        f.setLength(cut);
                    } else {
                        f.seek(cut);
                        f.write(new byte[end - cut]);
                    }
                }
                String where = how + " at " + cut + " (records end at " + at + ")";
                assertEquals(firstRecords(whole - 1), open(copy), where);
                List<String> warnings = log.take();
                assertEquals(inside ? 1 : 0, warnings.size(), where + ": " + warnings);
                if (inside) {
                    assertTrue(warnings.get(0).contains(seg.getFileName() + " ended in a torn tail at offset "
                            + at.get(whole)), warnings.get(0));
                    if (how.equals("truncated")) {
                        assertTrue(warnings.get(0).contains(": " + (cut - at.get(whole)) + " bytes cut off"),
                                warnings.get(0));
                    }
                }
                if (cut % 5 != 0 && cut != end - 1) {
                    TestFiles.deleteTree(copy);
                    continue;
                }
                // the store goes on from the repaired directory: a write, then a reopen with nothing to repair
                FileStore s = store(copy);
                s.open(new TestStoreContext());
                MemoryEntry more = entry(99);
                s.entries("ns").apply("more", cur -> Decision.put(more), null);
                s.close();
                Map<String, Object> expected = firstRecords(whole - 1);
                expected.put("more", more.value());
                assertEquals(expected, open(copy), where + ", after a write and a reopen");
                assertEquals(List.of(), log.take(), where + ": the repair is done once");
                TestFiles.deleteTree(copy);
            }
        }
    }

    @Test
    void aBadChecksumInTheMiddleOfForcedRecords_refusesToOpen_namingTheFileAndOffset() throws Exception {
        Path image = crashImage(true);
        Path seg = segment(image);
        List<Integer> at = boundaries(seg);
        int middle = at.get(at.size() / 2);
        byte[] bytes = Files.readAllBytes(seg);
        bytes[middle + 12] ^= 0x40;
        Files.write(seg, bytes);
        StoreException e = assertThrows(StoreException.class, () -> open(image));
        assertTrue(e.getMessage().contains(seg.getFileName() + " is damaged at offset " + middle), e.getMessage());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        // through the public API: the memory is not created, and says why
        SharedMemoryException m = assertThrows(SharedMemoryException.class, () -> SharedMemory.create(
                SharedMemoryOptions.builder().store(store(image)).build()));
        assertTrue(m.getMessage().contains("offset " + middle), m.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(seg), "a refused open changes nothing");
    }

    @Test
    void aForcedLogCutShort_isDamage_notATornTail() throws Exception {
        Path image = crashImage(true);
        Path seg = segment(image);
        List<Integer> at = boundaries(seg);
        int cut = at.get(at.size() - 2) + 5;
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.setLength(cut);
        }
        StoreException e = assertThrows(StoreException.class, () -> open(image));
        assertTrue(e.getMessage().contains(seg.getFileName() + " is damaged at offset " + at.get(at.size() - 2)),
                e.getMessage());
    }

    @Test
    void aDamagedSnapshot_refusesToOpen_namingTheFileAndOffset() throws Exception {
        Path live = dir.resolve("snap");
        FileStore s = store(live);
        s.open(new TestStoreContext());
        s.addNamespace("ns", NamespaceConfig.defaults());
        for (int i = 0; i < RECORDS; i++) {
            MemoryEntry e = entry(i);
            s.entries("ns").apply("k" + i, cur -> Decision.put(e), null);
        }
        assertTrue(s.snapshot());
        s.close();
        Path snapshot;
        try (Stream<Path> files = Files.list(live)) {
            snapshot = files.filter(p -> p.getFileName().toString().endsWith(".snap")).findFirst().orElseThrow();
        }
        assertEquals(firstRecords(RECORDS), open(live));
        byte[] bytes = Files.readAllBytes(snapshot);
        List<Integer> at = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        for (int p = 32; p < bytes.length; p += 8 + b.getInt(p)) {
            at.add(p);
        }
        int victim = at.get(at.size() / 2);
        bytes[victim + 10] ^= 0x01;
        Files.write(snapshot, bytes);
        StoreException e = assertThrows(StoreException.class, () -> open(live));
        assertTrue(e.getMessage().contains(snapshot.getFileName() + " is damaged at offset " + victim),
                e.getMessage());
        bytes[victim + 10] ^= 0x01;
        Files.write(snapshot, Stream.of(bytes).map(x -> java.util.Arrays.copyOf(x, x.length - 3)).findFirst()
                .orElseThrow());
        StoreException cut = assertThrows(StoreException.class, () -> open(live));
        assertTrue(cut.getMessage().contains(snapshot.getFileName() + " is damaged"), cut.getMessage());
        assertFalse(cut.getMessage().contains("offset -"), cut.getMessage());
    }

    private static void assertArrayEquals(byte[] expected, byte[] actual, String message) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, message);
    }
}
