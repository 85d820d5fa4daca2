package io.sharedmemory.store.file.internal;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.StoreCodec;
import io.sharedmemory.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Rebuilds a store's state from its directory: the newest snapshot, then every log segment from the one it was cut
 * at, in order; and decides, when a record is not whole, whether it is a torn tail or damage.
 *
 * <h2>Torn tail or damage</h2>
 * A crash can leave the last record half-written, and a power loss can lose any page written since the last force
 * (the device writes back in any order): so past the point known forced, a record that is not whole, zeros where a
 * record should be, or a segment that is missing are what a crash leaves, and recovery keeps the clean prefix before
 * it and cuts the rest off (logged once, with how much). Before that point the same things cannot come from a crash:
 * they are damage (a bad disk, a file edited or truncated by hand), and the store refuses to open, naming the file and
 * the offset, rather than skip records silently. The point known forced is the highest watermark found in the
 * segments' headers (see {@link Log}); snapshots are forced before they are renamed into place, so any damage in one
 * is damage.
 *
 * <h2>Replay over a snapshot</h2>
 * A snapshot is cut at a position of the log (a segment and an offset in it, once every change appended before it is
 * installed) and then written while writes go on, so it may already hold changes that the log after the cut also
 * holds; replay starts at the cut's offset in its segment. Every record holds the whole new state of what it touches
 * (an entry, a configuration), so replaying it again ends in the same state; records for a namespace the snapshot no
 * longer has belong to a namespace dropped later in the log, and are skipped.
 */
final class Recovery {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.store.file");
    static final String SNAPSHOT_SUFFIX = ".snap";
    static final String TEMP_SUFFIX = ".tmp";
    private static final int BUFFER = 1 << 20;

    /** A namespace as recovery rebuilds it. */
    static final class Held {
        final int id;
        final String name;
        NamespaceConfig config;
        final EntryTable table;

        Held(int id, String name, NamespaceConfig config, EntryTable table) {
            this.id = id;
            this.name = name;
            this.config = config;
            this.table = table;
        }
    }

    /** What recovery found, and what the store must repair before it writes. */
    static final class Result {
        /** By id, in the order they were added. */
        final Map<Integer, Held> namespaces = new LinkedHashMap<>();
        int nextId = 1;
        /** The highest segment number seen in any file (kept or not); the log goes on after it. */
        long highestSegment;
        /** The last segment replayed, and where its last whole record ends: cut and sealed there. */
        Path tail;
        long tailEnd;
        boolean tailHeaderDamaged;
        /** Files that no longer hold anything: covered segments, older snapshots, temporaries, a discarded tail. */
        final List<Path> obsolete = new ArrayList<>();
        /** The snapshot used, or null. */
        Path snapshot;
        long snapshotCut;
        long snapshotCreated;
        long snapshotBytes;
        long snapshotEntries;
        long replayedRecords;
        long logBytes;
        int logSegments;
        /** What was cut off as a torn tail, for the one warning; null when nothing was. */
        String torn;
    }

    private final Disk disk;
    private final Path directory;
    private final StoreCodec codec;
    private final Supplier<EntryTable> tables;
    private final Result result = new Result();
    private final Map<String, Integer> idsByName = new HashMap<>();

    Recovery(Disk disk, Path directory, StoreCodec codec, Supplier<EntryTable> tables) {
        this.disk = disk;
        this.directory = directory;
        this.codec = codec;
        this.tables = tables;
    }

    /** @throws StoreException when the directory cannot be read or holds damage, naming the file and offset */
    Result recover() {
        try {
            return recover0();
        } catch (IOException e) {
            throw new StoreException("Cannot read the file store in " + directory + ": " + e, e);
        }
    }

    private Result recover0() throws IOException {
        TreeMap<Long, Path> snapshots = new TreeMap<>();
        TreeMap<Long, Path> segments = new TreeMap<>();
        for (String name : disk.list(directory)) {
            long s = Snapshots.cut(name, SNAPSHOT_SUFFIX);
            long g = Log.segmentNumber(name);
            if (s >= 0) {
                snapshots.put(s, directory.resolve(name));
            } else if (g >= 0) {
                segments.put(g, directory.resolve(name));
                result.highestSegment = Math.max(result.highestSegment, g);
            } else if (Snapshots.cut(name, TEMP_SUFFIX) >= 0) {
                // a snapshot that was never completed: the log still holds everything it would have
                result.obsolete.add(directory.resolve(name));
            }
        }
        long from = 1;
        int offset = Log.HEADER;
        if (!snapshots.isEmpty()) {
            Map.Entry<Long, Path> newest = snapshots.lastEntry();
            loadSnapshot(newest.getValue(), newest.getKey());
            from = Log.segmentOf(newest.getKey());
            offset = Log.offsetOf(newest.getKey());
            if (from < 1 || offset < Log.HEADER) {
                throw damage(newest.getValue(), 0, "the snapshot names no position in the log: " + newest.getKey());
            }
            snapshots.headMap(newest.getKey()).values().forEach(result.obsolete::add);
            segments.headMap(from).values().forEach(result.obsolete::add);
            result.highestSegment = Math.max(result.highestSegment, from);
        }
        TreeMap<Long, Path> replayed = new TreeMap<>(segments.tailMap(from));
        if (replayed.isEmpty()) {
            if (!snapshots.isEmpty()) {
                throw damage(directory.resolve(Log.segmentName(from)), 0, "the segment the snapshot "
                        + result.snapshot.getFileName() + " was cut in is missing");
            }
            return result;
        }
        if (replayed.firstKey() != from) {
            throw damage(replayed.firstEntry().getValue(), 0, snapshots.isEmpty()
                    ? "the log starts at segment " + replayed.firstKey() + ", and no snapshot holds what came before it"
                    : "the log goes on at segment " + replayed.firstKey() + ", but the snapshot "
                            + result.snapshot.getFileName() + " was cut in segment " + from);
        }
        long watermark = watermark(replayed);
        replay(replayed, watermark, offset);
        return result;
    }

    private StoreException damage(Path file, long offset, String why) {
        return new StoreException("The file store in " + directory + " cannot be opened: " + file.getFileName()
                + " is damaged at offset " + offset + ": " + why + ". Nothing was changed; restore the directory from "
                + "a backup, or move the damaged file away knowing that what it holds is lost");
    }

    /** @return the highest watermark in the segments' headers: everything before it was forced once */
    private long watermark(TreeMap<Long, Path> segments) throws IOException {
        long w = 0;
        for (Path p : segments.values()) {
            try (Disk.ReadFile f = disk.openRead(p)) {
                byte[] slot = new byte[12];
                ByteBuffer b = ByteBuffer.wrap(slot);
                while (b.hasRemaining() && f.read(b, Log.WATERMARK_AT + b.position()) >= 0) {
                    // read the whole slot, or as much as the file has
                }
                if (!b.hasRemaining()) {
                    w = Math.max(w, Log.readWatermark(slot, 0));
                }
            }
        }
        return w;
    }

    /** Replays the segments in order, the first from {@code offset} (where the snapshot was cut). */
    private void replay(TreeMap<Long, Path> segments, long watermark, int offset) throws IOException {
        List<Map.Entry<Long, Path>> list = new ArrayList<>(segments.entrySet());
        Replayer visitor = new Replayer();
        for (int k = 0; k < list.size(); k++) {
            long number = list.get(k).getKey();
            Path path = list.get(k).getValue();
            result.logSegments++;
            result.tail = path;
            try (Disk.ReadFile f = disk.openRead(path)) {
                FrameReader r = new FrameReader(f, k == 0 ? offset : Log.HEADER, BUFFER);
                String headerWhy = checkHeader(f, number);
                if (headerWhy != null) {
                    if (Log.position(number, 0) < watermark) {
                        throw damage(path, 0, headerWhy);
                    }
                    tornAt(path, number, Log.HEADER, headerWhy, list.subList(k + 1, list.size()), true);
                    return;
                }
                long sealedTo = -1;
                for (;;) {
                    FrameReader.Stop stop = r.next();
                    if (stop == FrameReader.Stop.RECORD) {
                        if (r.type() == Records.SEAL) {
                            sealedTo = r.body().readLong();
                            if (!r.body().atEnd()) {
                                sealedTo = -2;
                            }
                            break;
                        }
                        try {
                            Records.replay(r.type(), r.body(), codec, visitor);
                        } catch (IOException | RuntimeException e) {
                            String why = "a record does not decode: " + e.getMessage();
                            if (Log.position(number, (int) r.offset()) < watermark) {
                                throw damage(path, r.offset(), why);
                            }
                            tornAt(path, number, r.offset(), why, list.subList(k + 1, list.size()), false);
                            return;
                        }
                        result.replayedRecords++;
                        result.logBytes += r.end() - r.offset();
                        continue;
                    }
                    if (stop == FrameReader.Stop.DAMAGED) {
                        if (Log.position(number, (int) r.offset()) < watermark) {
                            throw damage(path, r.offset(), r.why());
                        }
                        tornAt(path, number, r.offset(), r.why(), list.subList(k + 1, list.size()), false);
                        return;
                    }
                    // the end of the written part: the end of the log, unless later segments hold records
                    endOfLog(path, number, r, list.subList(k + 1, list.size()), watermark);
                    return;
                }
                long next = k + 1 < list.size() ? list.get(k + 1).getKey() : -1;
                if (sealedTo != next) {
                    String why = sealedTo == -2 ? "the segment's last record is not a whole SEAL"
                            : "the segment is sealed towards segment " + sealedTo + ", which "
                                    + (next < 0 ? "does not exist" : "is not the next one (" + next + ")");
                    if (Log.position(number, (int) r.offset()) < watermark) {
                        throw damage(path, r.offset(), why);
                    }
                    tornAt(path, number, r.offset(), why, list.subList(k + 1, list.size()), false);
                    return;
                }
            }
        }
    }

    /** @return why the segment's header is not whole, or null when it is */
    private static String checkHeader(Disk.ReadFile f, long number) throws IOException {
        byte[] h = new byte[20];
        ByteBuffer b = ByteBuffer.wrap(h);
        while (b.hasRemaining()) {
            if (f.read(b, b.position()) < 0) {
                return "the file ends inside the segment's header";
            }
        }
        byte[] expected = Log.header(number);
        return java.util.Arrays.equals(h, expected) ? null : "the segment's header is not that of segment " + number;
    }

    /** The written part of the last segment ends here (zeros or the end of the file). */
    private void endOfLog(Path path, long number, FrameReader r, List<Map.Entry<Long, Path>> later, long watermark)
            throws IOException {
        long end = r.offset();
        for (Map.Entry<Long, Path> e : later) {
            if (holdsRecords(e.getValue())) {
                // records after a gap: lost pages (past the watermark) or damage (before it)
                String why = "the segment ends without a SEAL, but segment " + e.getKey() + " after it holds records";
                if (Log.position(number, (int) end) < watermark) {
                    throw damage(path, end, why);
                }
                tornAt(path, number, end, why, later, false);
                return;
            }
        }
        // segments made ahead of need and never written: nothing in them
        later.forEach(e -> result.obsolete.add(e.getValue()));
        result.tailEnd = end;
        try (Disk.ReadFile f = disk.openRead(path)) {
            if (!new FrameReader(f, end, 16).zeros(end, f.size())) {
                torn(path, end, f.size() - end, "bytes after the last whole record", List.of());
            }
        }
    }

    private boolean holdsRecords(Path segment) throws IOException {
        try (Disk.ReadFile f = disk.openRead(segment)) {
            return f.size() > Log.HEADER && !new FrameReader(f, Log.HEADER, 16).zeros(Log.HEADER,
                    Math.min(f.size(), Log.HEADER + RecordWriter.FRAME));
        }
    }

    private void tornAt(Path path, long number, long offset, String why, List<Map.Entry<Long, Path>> later,
                        boolean headerDamaged) throws IOException {
        result.tailEnd = offset;
        result.tailHeaderDamaged = headerDamaged;
        long size;
        try (Disk.ReadFile f = disk.openRead(path)) {
            size = f.size();
        }
        List<Path> dropped = new ArrayList<>();
        for (Map.Entry<Long, Path> e : later) {
            dropped.add(e.getValue());
            result.obsolete.add(e.getValue());
        }
        // a damaged header is written again, so everything in the file goes, the header's bytes included
        torn(path, offset, headerDamaged ? size : size - offset, why, dropped);
    }

    private void torn(Path path, long offset, long bytes, String why, List<Path> dropped) {
        result.torn = path.getFileName() + " ended in a torn tail at offset " + offset + " (" + why + "): " + bytes
                + " bytes cut off" + (dropped.isEmpty() ? "" : ", and the later segments "
                + dropped.stream().map(p -> p.getFileName().toString()).toList() + " dropped")
                + "; that is what a crash during a write, or a power loss before the next force, leaves. "
                + "Everything before it is kept";
        LOG.log(System.Logger.Level.WARNING, "sharedmemory: the file store in " + directory + ": " + result.torn);
    }

    private void loadSnapshot(Path path, long cut) throws IOException {
        Replayer visitor = new Replayer();
        try (Disk.ReadFile f = disk.openRead(path)) {
            byte[] h = new byte[Snapshots.HEADER];
            ByteBuffer b = ByteBuffer.wrap(h);
            while (b.hasRemaining()) {
                if (f.read(b, b.position()) < 0) {
                    throw damage(path, b.position(), "the file ends inside the snapshot's header");
                }
            }
            String why = Snapshots.checkHeader(h, cut);
            if (why != null) {
                throw damage(path, 0, why);
            }
            result.snapshotCreated = Snapshots.created(h);
            FrameReader r = new FrameReader(f, Snapshots.HEADER, BUFFER);
            long namespaces = 0;
            long entries = 0;
            for (;;) {
                FrameReader.Stop stop = r.next();
                if (stop != FrameReader.Stop.RECORD) {
                    throw damage(path, r.offset(), stop == FrameReader.Stop.DAMAGED ? r.why()
                            : "the snapshot ends without its end record");
                }
                int type = r.type();
                if (type == Records.SNAP_END) {
                    int nextId = r.body().readInt();
                    long n = r.body().readLong();
                    long e = r.body().readLong();
                    if (n != namespaces || e != entries || !r.body().atEnd()) {
                        throw damage(path, r.offset(), "the end record counts " + n + " namespaces and " + e
                                + " entries, the snapshot holds " + namespaces + " and " + entries);
                    }
                    if (r.end() != r.size()) {
                        throw damage(path, r.end(), "bytes follow the snapshot's end record");
                    }
                    result.nextId = Math.max(result.nextId, nextId);
                    break;
                }
                if (type != Records.SNAP_NS && type != Records.PUT) {
                    throw damage(path, r.offset(), "a snapshot holds no record of type " + type);
                }
                try {
                    Records.replay(type, r.body(), codec, visitor);
                } catch (IOException | RuntimeException e) {
                    throw damage(path, r.offset(), "a record does not decode: " + e.getMessage());
                }
                if (type == Records.SNAP_NS) {
                    namespaces++;
                } else {
                    entries++;
                }
            }
            result.snapshot = path;
            result.snapshotCut = cut;
            result.snapshotBytes = r.size();
            result.snapshotEntries = entries;
        }
    }

    /** Applies records to the namespaces being rebuilt. */
    private final class Replayer implements Records.Visitor {
        @Override
        public void addNamespace(int id, String name, NamespaceConfig config) {
            Integer old = idsByName.put(name, id);
            if (old != null && old != id) {
                result.namespaces.remove(old);
            }
            result.namespaces.put(id, new Held(id, name, config, tables.get()));
            result.nextId = Math.max(result.nextId, id + 1);
        }

        @Override
        public void saveNamespace(int id, NamespaceConfig config) {
            Held h = result.namespaces.get(id);
            if (h != null) {
                h.config = config;
            }
        }

        @Override
        public void dropNamespace(int id) {
            Held h = result.namespaces.remove(id);
            if (h != null) {
                idsByName.remove(h.name, id);
            }
        }

        @Override
        public void put(int id, String key, MemoryEntry entry) {
            Held h = result.namespaces.get(id);
            if (h != null) {
                Decision put = Decision.put(entry);
                h.table.apply(key, current -> put, null);
            }
        }

        @Override
        public void remove(int id, String key) {
            Held h = result.namespaces.get(id);
            if (h != null) {
                h.table.apply(key, current -> Decision.remove(), null);
            }
        }

        @Override
        public void clear(int id) {
            Held h = result.namespaces.get(id);
            if (h != null) {
                h.table.clear();
            }
        }
    }
}
