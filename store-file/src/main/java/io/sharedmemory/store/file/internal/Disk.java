package io.sharedmemory.store.file.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file-system operation the file store makes, in one seam: {@link NioDisk} on the real file system; in tests, a
 * disk that forgets what was never forced (a simulated power loss) or fails at a chosen step. What a step promises is
 * what a POSIX file system promises: a write is in the operating system's hands (it survives a crash of the process)
 * when it returns; only a force makes file contents, and only a directory force makes a file's name (creation, rename,
 * deletion), survive a power loss.
 */
public interface Disk {
    /** @throws IOException when the directory (or a parent) cannot be created */
    void createDirectories(Path directory) throws IOException;

    /**
     * Locks the directory for this store instance.
     *
     * @param lockFile the lock file (created if absent)
     * @return the lock, or null when another process holds it
     * @throws java.nio.channels.OverlappingFileLockException when this process holds it already
     * @throws IOException when the file cannot be created or locked
     */
    DirectoryLock lock(Path lockFile) throws IOException;

    /** @return the names of the files in the directory */
    List<String> list(Path directory) throws IOException;

    /**
     * Creates a new log segment of exactly {@code size} bytes, all zero and allocated (a full disk fails here, not
     * later in the middle of a record), and opens it for writing.
     *
     * @param writeThrough how it is written: {@code false} through memory (a write is a copy, no system call: for a
     *        log forced only now and then); {@code true} with a system call per write (for a log forced after almost
     *        every write: a page forced through a mapping is write-protected again, and the next record written into
     *        it faults through the file system, which costs more than the write itself)
     */
    SegmentFile createSegment(Path file, int size, boolean writeThrough) throws IOException;

    /** Opens a file for reading. */
    ReadFile openRead(Path file) throws IOException;

    /** Creates (or empties) a file for sequential writing: a snapshot being written. */
    WriteFile create(Path file) throws IOException;

    /** Opens an existing file for writing at chosen positions: the repair of a log's torn tail. */
    WriteFile openWrite(Path file) throws IOException;

    /** Renames atomically, replacing the target. Durable once the directory is forced. */
    void move(Path from, Path to) throws IOException;

    /** Forces the directory's entries (creations, renames, deletions) to the device. */
    void forceDirectory(Path directory) throws IOException;

    /** Deletes a file if it exists. Durable once the directory is forced. */
    void delete(Path file) throws IOException;

    /** A log segment being written. */
    interface SegmentFile {
        /** @return the size in bytes, fixed */
        int size();

        /**
         * Copies bytes into the segment: in the operating system's hands when it returns.
         *
         * @throws java.io.UncheckedIOException when the system call failed (part of the bytes may have been written)
         */
        void write(int offset, byte[] source, int from, int length);

        /** Forces the bytes in [from, to) to the device. */
        void force(int from, int to) throws IOException;

        /** Releases the mapping and the file; the segment must not be used after. */
        void close();
    }

    /** A file read at chosen positions. */
    interface ReadFile extends AutoCloseable {
        long size() throws IOException;

        /** Reads into the buffer from the position; @return the bytes read, -1 at the end */
        int read(ByteBuffer into, long position) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** A file written sequentially ({@link #write(ByteBuffer)}) or at chosen positions. */
    interface WriteFile extends AutoCloseable {
        void write(ByteBuffer bytes) throws IOException;

        void write(ByteBuffer bytes, long position) throws IOException;

        void truncate(long size) throws IOException;

        void force() throws IOException;

        @Override
        void close() throws IOException;
    }

    /** The lock of a store's directory. */
    interface DirectoryLock extends AutoCloseable {
        @Override
        void close() throws IOException;
    }
}
