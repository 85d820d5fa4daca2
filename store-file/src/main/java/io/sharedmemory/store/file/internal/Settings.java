package io.sharedmemory.store.file.internal;

import io.sharedmemory.store.file.Durability;
import java.time.Duration;
import java.util.Objects;

/**
 * A file store's settings.
 *
 * @param durability when a change is acknowledged
 * @param syncInterval how often BATCHED forces the log (and how often the store looks whether to snapshot)
 * @param segmentSize the size of a log segment file, in bytes
 * @param snapshotAfterBytes the log grows by at least this much (and by as much as the last snapshot's size) before a
 *        snapshot replaces it
 * @param disk the file system
 */
public record Settings(Durability durability, Duration syncInterval, int segmentSize, long snapshotAfterBytes,
                       Disk disk) {
    /** The default segment size: 64 MiB. */
    public static final int DEFAULT_SEGMENT_SIZE = 64 << 20;
    /** The smallest segment size accepted. */
    public static final int MIN_SEGMENT_SIZE = 64 << 10;
    /** The largest segment size accepted: positions keep a segment's offsets in 31 bits. */
    public static final int MAX_SEGMENT_SIZE = 1 << 30;
    /** The default sync interval of BATCHED. */
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(1);

    public Settings {
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(syncInterval, "syncInterval");
        Objects.requireNonNull(disk, "disk");
        if (syncInterval.toMillis() < 1 || syncInterval.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("syncInterval must be 1 ms to 1 hour, was " + syncInterval);
        }
        if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
            throw new IllegalArgumentException("segmentSize must be " + MIN_SEGMENT_SIZE + " to " + MAX_SEGMENT_SIZE
                    + " bytes, was " + segmentSize);
        }
        if (snapshotAfterBytes < 1) {
            throw new IllegalArgumentException("snapshotAfterBytes must be positive, was " + snapshotAfterBytes);
        }
    }

    /** @return the defaults with this durability, on the real file system */
    public static Settings of(Durability durability) {
        return new Settings(durability, DEFAULT_SYNC_INTERVAL, DEFAULT_SEGMENT_SIZE, DEFAULT_SEGMENT_SIZE,
                NioDisk.INSTANCE);
    }
}
