package io.sharedmemory.store.file.internal;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.StoreCodec;
import io.sharedmemory.store.StoreContext;
import io.sharedmemory.store.StoreException;
import io.sharedmemory.store.file.Durability;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file store while it is open: the directory's lock, the log, the namespaces (each with its {@link LoggedTable}),
 * and the maintenance thread (forces of {@code BATCHED}, segments made ahead of need, snapshots).
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Every change is appended to the log before it shows in memory: an entry's from inside its step (see
 *       {@link LoggedTable}); a namespace's before it is added to, changed in or removed from {@code namespaces} (with
 *       {@code SYNC}, once it is forced). So a snapshot, which reads memory, never holds a change that is not in the
 *       log before its end.</li>
 *   <li>Namespace operations are serialized by {@code namespaceLock}; the engine calls them with no step of the
 *       namespace running.</li>
 *   <li>A snapshot: note where the log stands (its cut: every change committed before it is in the log before it),
 *       wait until every change in the log before the cut is installed in the tables ({@link Log#settledMark}: a
 *       change is appended before it is installed, and one the scan missed would be in neither the snapshot nor the
 *       log replayed after the cut), write the state to a temporary file, force the log up to where it stands then (so every change the snapshot
 *       may hold is on the device before the snapshot is), force the file, rename it into place, force the
 *       directory; only then are the segments before the cut's segment and the older snapshots deleted. A failure at
 *       any step leaves the previous snapshot and every segment it needs in place.</li>
 * </ul>
 */
public final class OpenStore {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.store.file");
    private static final String LOCK_FILE = "LOCK";
    private static final int SNAPSHOT_BUFFER = 1 << 20;
    /** After this many segments since the last snapshot, snapshot anyway (each open starts a segment). */
    private static final int SNAPSHOT_AFTER_SEGMENTS = 16;

    /** One namespace. */
    private record Stored(int id, String name, NamespaceConfig config, LoggedTable table) {
    }

    private final Path directory;
    private final Settings settings;
    private final Disk disk;
    private final StoreContext context;
    private final StoreCodec codec;
    private final Disk.DirectoryLock lock;
    private final Log log;
    private final Map<String, Stored> namespaces = new ConcurrentHashMap<>();
    private final Object namespaceLock = new Object();
    private int nextId;
    private final ScheduledThreadPoolExecutor maintenance;
    private final ThreadPoolExecutor snapshotter;
    private final AtomicBoolean snapshotting = new AtomicBoolean();
    private volatile boolean closing;
    // the last snapshot and the log since it, for describe() and for deciding when to snapshot again
    private volatile long snapshotCut;
    private volatile long snapshotCreated;
    private volatile long snapshotBytes;
    private volatile long snapshotEntries;
    private volatile long logBytesAtCut;
    private volatile String snapshotFailure;
    private final long recoveredLogBytes;

    private OpenStore(Path directory, Settings settings, StoreContext context, Disk.DirectoryLock lock, Log log,
                      Recovery.Result recovered, ScheduledThreadPoolExecutor maintenance) {
        this.directory = directory;
        this.settings = settings;
        this.disk = settings.disk();
        this.context = context;
        this.codec = context.codec();
        this.lock = lock;
        this.log = log;
        this.maintenance = maintenance;
        this.snapshotter = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> daemon(r, "sharedmemory-file-store-snapshot"));
        this.snapshotter.allowCoreThreadTimeOut(true);
        this.nextId = recovered.nextId;
        this.snapshotCut = recovered.snapshot == null ? 0 : recovered.snapshotCut;
        this.snapshotCreated = recovered.snapshotCreated;
        this.snapshotBytes = recovered.snapshotBytes;
        this.snapshotEntries = recovered.snapshotEntries;
        this.recoveredLogBytes = recovered.logBytes;
        boolean sync = settings.durability() == Durability.SYNC;
        for (Recovery.Held h : recovered.namespaces.values()) {
            namespaces.put(h.name, new Stored(h.id, h.name, h.config, new LoggedTable(h.id, h.table, log, codec,
                    sync)));
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Opens the store in the directory: locks it, recovers what it holds, repairs a torn tail, and starts the log.
     *
     * @throws StoreException naming the path when the directory cannot be created, written or locked, or holds damage
     */
    public static OpenStore open(Path directory, Settings settings, StoreContext context) {
        Disk disk = settings.disk();
        try {
            disk.createDirectories(directory);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new StoreException("Cannot use " + directory + " as the file store's directory: "
                    + e.getFile() + " exists and is not a directory", e);
        } catch (IOException e) {
            throw new StoreException("Cannot create the file store's directory " + directory + ": " + describe(e), e);
        }
        Disk.DirectoryLock lock = lock(disk, directory);
        ScheduledThreadPoolExecutor maintenance = null;
        Log log = null;
        try {
            StoreCodec codec = context.codec();
            Recovery.Result recovered = new Recovery(disk, directory, codec, context::newMemoryTable).recover();
            maintenance = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "sharedmemory-file-store"));
            maintenance.setRemoveOnCancelPolicy(true);
            long first = recovered.highestSegment + 1;
            try {
                log = new Log(disk, directory, settings.segmentSize(), settings.durability() == Durability.SYNC,
                        first, maintenance);
            } catch (IOException e) {
                throw new StoreException("Cannot write in the file store's directory " + directory + ": cannot "
                        + "create the log segment " + Log.segmentName(first) + ": " + describe(e), e);
            }
            repair(disk, directory, recovered, first);
            OpenStore store = new OpenStore(directory, settings, context, lock, log, recovered, maintenance);
            store.start();
            return store;
        } catch (RuntimeException | Error e) {
            if (log != null) {
                log.close();
            }
            if (maintenance != null) {
                maintenance.shutdownNow();
            }
            try {
                lock.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
    }

    private static Disk.DirectoryLock lock(Disk disk, Path directory) {
        Path file = directory.resolve(LOCK_FILE);
        Disk.DirectoryLock lock;
        try {
            lock = disk.lock(file);
        } catch (OverlappingFileLockException e) {
            throw new StoreException("The file store's directory " + directory + " is already open in this process "
                    + "(another FileStore holds it; close that one first)", e);
        } catch (IOException e) {
            throw new StoreException("Cannot write in the file store's directory " + directory + ": cannot lock "
                    + file + ": " + describe(e), e);
        }
        if (lock == null) {
            throw new StoreException("The file store's directory " + directory + " is already open in another "
                    + "process" + holder(disk, file) + "; a directory serves one store at a time");
        }
        return lock;
    }

    private static String holder(Disk disk, Path file) {
        try (Disk.ReadFile f = disk.openRead(file)) {
            ByteBuffer b = ByteBuffer.allocate(32);
            f.read(b, 0);
            String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
            return pid.isEmpty() || !pid.chars().allMatch(Character::isDigit) ? "" : " (process " + pid + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * Before the first write: the last replayed segment is cut at its last whole record and sealed towards the new
     * log's first segment (so that a later recovery reads on into it); files that hold nothing any more go.
     */
    private static void repair(Disk disk, Path directory, Recovery.Result recovered, long first) {
        try {
            if (recovered.tail != null) {
                try (Disk.WriteFile f = disk.openWrite(recovered.tail)) {
                    if (recovered.tailHeaderDamaged) {
                        long number = Log.segmentNumber(recovered.tail.getFileName().toString());
                        f.write(ByteBuffer.wrap(Log.header(number)), 0);
                    }
                    RecordWriter seal = Records.seal(new RecordWriter(), first);
                    seal.finish();
                    f.truncate(recovered.tailEnd);
                    f.write(ByteBuffer.wrap(seal.array(), 0, seal.size()), recovered.tailEnd);
                    f.force();
                }
            }
            for (Path p : recovered.obsolete) {
                disk.delete(p);
            }
            disk.forceDirectory(directory);
        } catch (IOException e) {
            throw new StoreException("Cannot write in the file store's directory " + directory + ": " + describe(e),
                    e);
        }
    }

    private void start() {
        long ms = settings.syncInterval().toMillis();
        maintenance.scheduleWithFixedDelay(this::maintain, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Every interval: force what was appended since the last force, and snapshot when the log has grown enough. */
    private void maintain() {
        if (closing || log.stopped() != null) {
            return;
        }
        // SYNC: every writer waits for its own force; this covers an append whose writer did not get to wait
        if (log.durable() < log.appended()) {
            try {
                log.awaitDurable(log.appended());
            } catch (StoreException e) {
                return;
            }
        }
        if (snapshotDue() && !snapshotting.get() && snapshotter.getQueue().isEmpty()) {
            try {
                snapshotter.execute(() -> {
                    if (snapshotDue()) {
                        snapshot();
                    }
                });
            } catch (RuntimeException e) {
                // shutting down
            }
        }
    }

    private long logBytes() {
        return recoveredLogBytes + log.appendedBytes() - logBytesAtCut;
    }

    private boolean snapshotDue() {
        long bytes = logBytes();
        return bytes >= Math.max(settings.snapshotAfterBytes(), snapshotBytes)
                || log.currentSegment() - Math.max(Log.segmentOf(snapshotCut), 1) >= SNAPSHOT_AFTER_SEGMENTS && bytes > 0;
    }

    // ---------------------------------------------------------------- namespaces

    /** @return the namespaces held, name → configuration */
    public Map<String, NamespaceConfig> namespaces() {
        Map<String, NamespaceConfig> all = new LinkedHashMap<>();
        namespaces.values().stream().sorted((a, b) -> Integer.compare(a.id, b.id))
                .forEach(s -> all.put(s.name, s.config));
        return all;
    }

    public boolean addNamespace(String name, NamespaceConfig config) {
        synchronized (namespaceLock) {
            if (namespaces.containsKey(name)) {
                return false;
            }
            int id = nextId;
            RecordWriter w = Records.addNamespace(id, name, config);
            w.finish();
            durable(log.append(w));
            nextId = id + 1;
            namespaces.put(name, new Stored(id, name, config, new LoggedTable(id, context.newMemoryTable(), log, codec,
                    settings.durability() == Durability.SYNC)));
            return true;
        }
    }

    public void saveNamespace(String name, NamespaceConfig config) {
        synchronized (namespaceLock) {
            Stored s = stored(name);
            RecordWriter w = Records.saveNamespace(s.id, config);
            w.finish();
            durable(log.append(w));
            namespaces.put(name, new Stored(s.id, name, config, s.table));
        }
    }

    public void dropNamespace(String name) {
        synchronized (namespaceLock) {
            Stored s = namespaces.get(name);
            if (s == null) {
                return;
            }
            RecordWriter w = Records.dropNamespace(s.id);
            w.finish();
            durable(log.append(w));
            namespaces.remove(name);
            s.table.memory().clear();
        }
    }

    public EntryTable entries(String name) {
        return stored(name).table;
    }

    private Stored stored(String name) {
        Stored s = namespaces.get(name);
        if (s == null) {
            throw new IllegalArgumentException("The file store holds no namespace \"" + name + "\"");
        }
        return s;
    }

    private void durable(long end) {
        if (settings.durability() == Durability.SYNC) {
            log.awaitDurable(end);
        }
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Writes a snapshot now (on the calling thread) unless one is running. A failure is logged and leaves the store as
     * it was (the log still holds everything); a failure to force the log stops the store, as any failed force does.
     *
     * @return whether a snapshot was written
     */
    public boolean snapshot() {
        if (!snapshotting.compareAndSet(false, true)) {
            return false;
        }
        try {
            return snapshotNow();
        } finally {
            snapshotting.set(false);
        }
    }

    private boolean snapshotNow() {
        if (closing || log.stopped() != null) {
            return false;
        }
        Log.Mark mark = log.settledMark();
        long cut = mark.position();
        long bytesAtCut = mark.bytes();
        Path temp = directory.resolve(Snapshots.tempName(cut));
        Path target = directory.resolve(Snapshots.name(cut));
        long created = System.currentTimeMillis();
        long entries;
        long size;
        String step = "write " + temp.getFileName();
        try {
            try (Disk.WriteFile f = disk.create(temp)) {
                long[] counts = write(f, cut, created);
                entries = counts[1];
                size = counts[2];
                step = "force the log before the snapshot";
                log.awaitDurable(log.appended());
                step = "force " + temp.getFileName();
                f.force();
            }
            step = "rename " + temp.getFileName() + " to " + target.getFileName();
            disk.move(temp, target);
            step = "force the directory " + directory;
            disk.forceDirectory(directory);
        } catch (IOException | StoreException | Closing e) {
            if (!(e instanceof Closing)) {
                snapshotFailure = Instant.now() + ": could not " + step + ": " + e.getMessage();
                LOG.log(System.Logger.Level.WARNING, "sharedmemory: the file store in " + directory + " could not "
                        + step + " (" + e.getMessage() + "); the log keeps everything, the snapshot is tried again "
                        + "later");
            }
            try {
                disk.delete(temp);
            } catch (IOException suppressed) {
                LOG.log(System.Logger.Level.DEBUG, "could not delete " + temp, suppressed);
            }
            return false;
        }
        snapshotCut = cut;
        snapshotCreated = created;
        snapshotBytes = size;
        snapshotEntries = entries;
        logBytesAtCut = bytesAtCut + recoveredLogBytes;
        snapshotFailure = null;
        deleteBefore(cut);
        return true;
    }

    /** The snapshot is abandoned because the store is closing. */
    private static final class Closing extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Closing() {
            super("the store is closing", null, false, false);
        }
    }

    /** @return namespaces, entries, bytes written */
    private long[] write(Disk.WriteFile f, long cut, long created) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(SNAPSHOT_BUFFER);
        out.put(Snapshots.header(cut, created));
        RecordWriter w = new RecordWriter();
        long[] counts = new long[3];
        List<Stored> all = new ArrayList<>(namespaces.values());
        int next;
        synchronized (namespaceLock) {
            next = nextId;
        }
        IOException[] failed = new IOException[1];
        for (Stored s : all) {
            Records.snapshotNamespace(w, s.id, s.name, namespaces.getOrDefault(s.name, s).config);
            w.finish();
            counts[2] += put(f, out, w);
            counts[0]++;
            s.table.memory().forEach((key, entry) -> {
                if (failed[0] != null) {
                    return;
                }
                if (closing) {
                    throw new Closing();
                }
                Records.put(w, codec, s.id, key, entry);
                w.finish();
                try {
                    counts[2] += put(f, out, w);
                } catch (IOException e) {
                    failed[0] = e;
                }
                counts[1]++;
            });
            if (failed[0] != null) {
                throw failed[0];
            }
        }
        Records.snapshotEnd(w, next, counts[0], counts[1]);
        w.finish();
        counts[2] += put(f, out, w);
        out.flip();
        f.write(out);
        counts[2] += Snapshots.HEADER;
        return counts;
    }

    private static int put(Disk.WriteFile f, ByteBuffer out, RecordWriter w) throws IOException {
        int n = w.size();
        if (out.remaining() < n) {
            out.flip();
            f.write(out);
            out.clear();
        }
        if (n > out.capacity()) {
            f.write(ByteBuffer.wrap(w.array(), 0, n));
        } else {
            out.put(w.array(), 0, n);
        }
        return n;
    }

    /** After a snapshot cut at {@code cut} is in place: what it covers goes. */
    private void deleteBefore(long cut) {
        try {
            for (String name : disk.list(directory)) {
                long segment = Log.segmentNumber(name);
                long snapshot = Snapshots.cut(name, Recovery.SNAPSHOT_SUFFIX);
                if (segment >= 0 && segment < Log.segmentOf(cut) || snapshot >= 0 && snapshot < cut) {
                    disk.delete(directory.resolve(name));
                }
            }
            disk.forceDirectory(directory);
        } catch (IOException e) {
            // harmless: recovery ignores what a newer snapshot covers, and deletes it
            LOG.log(System.Logger.Level.WARNING, "sharedmemory: the file store in " + directory + " could not delete "
                    + "the files its snapshot covers: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- describe, close

    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("store", "file");
        d.put("directory", directory.toString());
        d.put("durability", settings.durability() == Durability.SYNC
                ? "SYNC: a change is acknowledged once it is forced to disk (group commit); nothing acknowledged is "
                        + "lost, even to a power loss"
                : "BATCHED: a change is acknowledged once it is handed to the operating system, and forced every "
                        + settings.syncInterval().toMillis() + " ms; a crash of the process loses nothing "
                        + "acknowledged, a power loss at most the last interval");
        long segments = log.currentSegment() - Math.max(Log.segmentOf(snapshotCut), 1) + 1;
        d.put("log", logBytes() + " bytes since the last snapshot, in " + segments + " segment"
                + (segments == 1 ? "" : "s"));
        d.put("last snapshot", snapshotCut == 0 ? "none yet"
                : Instant.ofEpochMilli(snapshotCreated) + ": " + snapshotEntries + " entries, " + snapshotBytes
                        + " bytes" + (snapshotFailure == null ? "" : "; the last attempt failed: " + snapshotFailure));
        d.put("namespaces", Integer.toString(namespaces.size()));
        StoreException stopped = log.stopped();
        d.put("state", stopped == null ? "accepting writes"
                : "stopped accepting writes after a failure (" + stopped.getMessage() + "); reads go on. Reopen the "
                        + "store (restart) once the cause is fixed");
        return Collections.unmodifiableMap(d);
    }

    /** Stops the maintenance, forces and closes the log, releases the directory. */
    public void close() {
        closing = true;
        maintenance.shutdown();
        snapshotter.shutdown();
        try {
            if (!snapshotter.awaitTermination(5, TimeUnit.MINUTES) | !maintenance.awaitTermination(5, TimeUnit.MINUTES)) {
                LOG.log(System.Logger.Level.WARNING, "sharedmemory: the file store in " + directory + " closes while "
                        + "its maintenance still runs");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.close();
        try {
            lock.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "sharedmemory: could not release the lock of " + directory, e);
        }
    }
}
