package io.sharedmemory.store.file;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.StoreCapability;
import io.sharedmemory.store.StoreContext;
import io.sharedmemory.store.StoreException;
import io.sharedmemory.store.file.internal.Disk;
import io.sharedmemory.store.file.internal.OpenStore;
import io.sharedmemory.store.file.internal.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The durable file store: a memory's namespaces and entries in a directory, kept across restarts and crashes.
 *
 * <pre>{@code
 * SharedMemory memory = SharedMemory.create(SharedMemoryOptions.builder()
 *         .store(FileStore.open(Path.of("data")))                  // BATCHED, forced every second
 *         .build());
 * // or: FileStore.open(dir, Durability.SYNC), FileStore.builder(dir).syncInterval(Duration.ofMillis(200)).build()
 * }</pre>
 *
 * <h2>What it keeps, and how</h2>
 * Reads are served from memory (the engine's own in-memory tables, as fast as the in-memory store). Every change —
 * a namespace created, reconfigured (its permissions included) or deleted, an entry written, deleted or expired, a
 * namespace cleared — is appended to a log in the directory before it shows in memory, as one record with a length
 * and a checksum; the log is a series of segment files ({@code log-<n>.seg}), forced to disk as {@link Durability}
 * says. Once the log has grown by as much as the live data (at least 64 MiB), a snapshot of the whole state
 * ({@code snapshot-<n>.snap}) is written to a temporary file, forced, renamed into place, and the segments it covers are
 * deleted, so the directory stays within a small multiple of the live data. Opening the directory again loads the
 * newest snapshot and replays the log after it.
 *
 * <p>What comes back: every namespace with its whole configuration (default permission, per-agent permissions,
 * strategy name, TTL, {@code maxEntries}) and every entry with its value, owner, version, timestamp, metadata and
 * deadline; versions go on from where they were. An entry whose deadline passed while the store was closed comes back
 * dead: no read returns it, and the memory reports its expiry once, soon after it opens. Not kept: subscriptions and
 * listeners, the in-memory access log (the JSON-lines audit file is durable on its own), and a {@code custom}
 * namespace's {@code ConflictResolver} — a function of the process, not data. Until the application creates that
 * namespace again with its resolver, a write of a new key is stored (the resolver is never asked about those), and a
 * write over a live entry is refused ({@code REJECTED}, "uses the custom conflict strategy but has no
 * conflictResolver"): never silently decided by another policy.
 *
 * <h2>Bad conditions</h2>
 * <ul>
 *   <li>A directory that cannot be created or written, or that another process (or another store in this one) has
 *       open: the memory is not created; the exception names the path (a lock on the file {@code LOCK} in it keeps a
 *       second process out).</li>
 *   <li>A crash in the middle of a write leaves a torn last record: it is cut off at the last whole record when the
 *       directory is opened again, with one warning in the log. Damage where a record had been forced to disk (a bad
 *       checksum in the middle of the log, a damaged snapshot) is not a crash's doing: the store refuses to open,
 *       naming the file and the offset, rather than skip records.</li>
 *   <li>A failed force, a full disk, or any failure to write the log: the change is not acknowledged (the write
 *       answers {@code STORE_UNAVAILABLE} with the reason; when the record may have reached the operating system, the
 *       answer says the outcome is unknown), and the store accepts no more changes until it is opened again
 *       (fail-stop: a failed {@code fsync} is never retried as if the data were safe). Reads go on. A change that is
 *       not acknowledged is never half-applied. {@link #describe()} says so.</li>
 * </ul>
 *
 * <h2>Lifecycle</h2>
 * Making a FileStore touches nothing; the memory opens it when it is created (locking the directory, recovering)
 * and closes it when it is destroyed (forcing the log and releasing the directory, so that this process or another can
 * open it again). It serves one memory at a time, and may be opened again once closed. Linux and macOS are supported;
 * the log needs a file system that supports memory-mapped files and a forced directory.
 */
public final class FileStore implements MemoryStore {
    /** The store's name, as the engine's {@code store} configuration refers to it. */
    public static final String NAME = "file";

    private final Path directory;
    private final Settings settings;
    private volatile OpenStore open;

    private FileStore(Path directory, Settings settings) {
        this.directory = directory.toAbsolutePath().normalize();
        this.settings = settings;
    }

    /**
     * A store in the directory, {@link Durability#BATCHED} with a sync interval of one second. Nothing is read or
     * written until a memory opens it.
     *
     * @param directory where the store keeps its files; created when it is opened if missing; relative paths are
     *        resolved against the working directory
     * @return the store, not yet opened
     */
    public static FileStore open(Path directory) {
        return builder(directory).build();
    }

    /**
     * A store in the directory with the given durability (and, for {@link Durability#BATCHED}, a sync interval of one
     * second). Nothing is read or written until a memory opens it.
     *
     * @param directory where the store keeps its files; created when it is opened if missing
     * @param durability when a change is acknowledged
     * @return the store, not yet opened
     */
    public static FileStore open(Path directory, Durability durability) {
        return builder(directory).durability(durability).build();
    }

    /**
     * @param directory where the store keeps its files; created when it is opened if missing
     * @return a builder with the defaults: {@link Durability#BATCHED}, sync interval one second, 64 MiB segments
     */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** Builds a {@link FileStore}. Each setter checks its argument at once. */
    public static final class Builder {
        private final Path directory;
        private Durability durability = Durability.BATCHED;
        private Duration syncInterval = Settings.DEFAULT_SYNC_INTERVAL;
        private int segmentSize = Settings.DEFAULT_SEGMENT_SIZE;
        private long snapshotAfterBytes = -1;
        private Disk disk = io.sharedmemory.store.file.internal.NioDisk.INSTANCE;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /**
         * @param durability when a change is acknowledged; default {@link Durability#BATCHED}
         * @return this builder
         */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * @param interval how often {@link Durability#BATCHED} forces the log to disk (what a power loss may take);
         *        1 ms to 1 hour; default 1 second. With {@link Durability#SYNC} every change is forced anyway.
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder syncInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.toMillis() < 1 || interval.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("syncInterval must be 1 ms to 1 hour, was " + interval);
            }
            this.syncInterval = interval;
            return this;
        }

        /**
         * @param bytes the size of each log segment file, 64 KiB to 1 GiB; default 64 MiB. A segment takes its whole
         *        size on disk as soon as it is made; a smaller one suits a small memory
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder segmentSize(int bytes) {
            if (bytes < Settings.MIN_SEGMENT_SIZE || bytes > Settings.MAX_SEGMENT_SIZE) {
                throw new IllegalArgumentException("segmentSize must be " + Settings.MIN_SEGMENT_SIZE + " to "
                        + Settings.MAX_SEGMENT_SIZE + " bytes, was " + bytes);
            }
            this.segmentSize = bytes;
            return this;
        }

        /** For tests: a snapshot once the log has grown by this much (default: the segment size). */
        Builder snapshotAfterBytes(long bytes) {
            this.snapshotAfterBytes = bytes;
            return this;
        }

        /** For tests: another file system (one that simulates power loss or fails on demand). */
        Builder disk(Disk disk) {
            this.disk = Objects.requireNonNull(disk, "disk");
            return this;
        }

        /** @return the store, not yet opened: nothing is read or written until a memory opens it */
        public FileStore build() {
            return new FileStore(directory, new Settings(durability, syncInterval, segmentSize,
                    snapshotAfterBytes > 0 ? snapshotAfterBytes : segmentSize, disk));
        }
    }

    /** @return the directory, absolute */
    public Path directory() {
        return directory;
    }

    /** @return when a change is acknowledged */
    public Durability durability() {
        return settings.durability();
    }

    /** @return how often {@link Durability#BATCHED} forces the log */
    public Duration syncInterval() {
        return settings.syncInterval();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<StoreCapability> capabilities() {
        return Set.of(StoreCapability.DURABLE, StoreCapability.LOCAL_STEP);
    }

    /**
     * Locks the directory and recovers what it holds.
     *
     * @throws StoreException naming the path when the directory cannot be created, written or locked, or naming the
     *         file and offset of damage
     * @throws IllegalStateException when open already
     */
    @Override
    public synchronized Map<String, NamespaceConfig> open(StoreContext context) {
        Objects.requireNonNull(context, "context");
        if (open != null) {
            throw new IllegalStateException("The file store in " + directory + " is open already: a store serves one "
                    + "memory at a time");
        }
        open = OpenStore.open(directory, settings, context);
        return open.namespaces();
    }

    private OpenStore opened() {
        OpenStore o = open;
        if (o == null) {
            throw new IllegalStateException("The file store in " + directory + " is not open");
        }
        return o;
    }

    @Override
    public boolean addNamespace(String name, NamespaceConfig config) {
        return opened().addNamespace(Objects.requireNonNull(name, "name"), Objects.requireNonNull(config, "config"));
    }

    @Override
    public void saveNamespace(String name, NamespaceConfig config) {
        opened().saveNamespace(Objects.requireNonNull(name, "name"), Objects.requireNonNull(config, "config"));
    }

    @Override
    public void dropNamespace(String name) {
        opened().dropNamespace(Objects.requireNonNull(name, "name"));
    }

    @Override
    public EntryTable entries(String name) {
        return opened().entries(name);
    }

    /**
     * Writes a snapshot now, on the calling thread, and deletes the log segments and older snapshots it covers: for a
     * compact directory before a backup, or a fast next start. The store snapshots on its own as its log grows; this
     * is never needed for correctness. Writes go on meanwhile.
     *
     * @return true when a snapshot was written; false when the store could not (the reason is logged and shown by
     *         {@link #describe()}; the log still holds everything), is stopped, or another snapshot was running
     * @throws IllegalStateException when the store is not open
     */
    public boolean snapshot() {
        return opened().snapshot();
    }

    @Override
    public Map<String, String> describe() {
        OpenStore o = open;
        if (o != null) {
            return o.describe();
        }
        Map<String, String> d = new LinkedHashMap<>();
        d.put("store", NAME);
        d.put("directory", directory.toString());
        d.put("durability", settings.durability().name());
        d.put("state", "closed");
        return d;
    }

    /** Forces what the log holds and releases the directory. Idempotent. */
    @Override
    public synchronized void close() {
        OpenStore o = open;
        if (o != null) {
            open = null;
            o.close();
        }
    }

    @Override
    public String toString() {
        return "FileStore[" + directory + ", " + settings.durability()
                + (settings.durability() == Durability.BATCHED ? " every " + settings.syncInterval().toMillis() + " ms"
                : "") + (open == null ? ", closed]" : "]");
    }
}
