package io.sharedmemory.store.file.internal;

import io.sharedmemory.groupcommit.DurableFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

/**
 * The real file system, through NIO. A log segment is a file written full of zeros when it is made (so that its
 * blocks are reserved: a full disk fails the segment's creation, never a write into a mapped page, which would be a
 * SIGBUS). Then either it is mapped into memory, a window at a time ({@link Mapped}): appending a record is a copy
 * into the page cache, which survives a crash of the process, and {@link SegmentFile#force} is {@code fsync}; or,
 * written through, each write is a positional write (the log's flush writes every record pending at once) and a
 * force is {@code fsync} — its zeros forced once when it is made, so that the first force of a record does not write
 * the whole segment. On ext4 here a record forced through a mapping took 250 µs, written through 101 µs: a forced page
 * is write-protected, and the next record written into it faults through the file system.
 */
public final class NioDisk implements Disk {
    /** The file system, with mapped segments mapped a window at a time (see {@link Mapped}). */
    public static final NioDisk INSTANCE = new NioDisk(true);
    /**
     * The same, with mapped segments mapped whole: for a model checker (Lincheck), which cannot run the system call
     * that maps the next window in the middle of a step.
     */
    public static final NioDisk WHOLE_SEGMENTS = new NioDisk(false);
    private final boolean windows;
    /** A megabyte of zeros, shared, never written. */
    private static final byte[] ZEROS = new byte[1 << 20];
    /** How much of a segment is mapped at a time, at most (see {@link Mapped}). */
    private static final int WINDOW = 2 << 20;
    private static final int PAGE = 4096;

    private NioDisk(boolean windows) {
        this.windows = windows;
    }

    @Override
    public void createDirectories(Path directory) throws IOException {
        Files.createDirectories(directory);
    }

    @Override
    public DirectoryLock lock(Path lockFile) throws IOException {
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return null;
            }
            // who holds it, for the message another process shows when it is refused
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
            return () -> {
                try {
                    lock.release();
                } finally {
                    channel.close();
                }
            };
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public List<String> list(Path directory) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.forEach(f -> names.add(f.getFileName().toString()));
        }
        return names;
    }

    @Override
    public SegmentFile createSegment(Path path, int size, boolean writeThrough) throws IOException {
        // a RandomAccessFile, not a FileChannel: an interrupt of the thread making it (a writer that found no segment
        // prepared) must not close the file under it and stop the store
        Files.createFile(path);
        RandomAccessFile file;
        try {
            file = new RandomAccessFile(path.toFile(), "rw");
        } catch (IOException | RuntimeException e) {
            deleteAfterFailure(path, e);
            throw e;
        }
        try {
            for (int at = 0; at < size; at += ZEROS.length) {
                file.write(ZEROS, 0, Math.min(ZEROS.length, size - at));
            }
            if (writeThrough) {
                file.getFD().sync();
                return new WrittenThrough(file, size);
            }
            return new Mapped(path, file, size, windows);
        } catch (IOException | RuntimeException e) {
            file.close();
            deleteAfterFailure(path, e);
            throw e;
        }
    }

    /**
     * Maps part of a segment through a channel of its own (the mapping outlives it): mapping is interruptible, and an
     * interrupt during the call would close the channel it goes through — the segment's own file, were it that one.
     */
    private static MappedByteBuffer map(Path path, int from, int size) throws IOException {
        return DurableFiles.onOwnChannel(path, c -> c.map(FileChannel.MapMode.READ_WRITE, from, size),
                StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /**
     * @return how much of a mapped segment of this size is mapped at a time: a quarter of it (so that small segments,
     *         as in the tests, move their window too), whole pages, at most 2 MiB
     */
    static int windowSize(int size) {
        return Math.max(PAGE, Math.min(WINDOW, size >> 2) & -PAGE);
    }

    private static void deleteAfterFailure(Path path, Exception e) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
        }
    }

    @Override
    public ReadFile openRead(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new ReadFile() {
            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public int read(ByteBuffer into, long position) throws IOException {
                return channel.read(into, position);
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    @Override
    public WriteFile create(Path file) throws IOException {
        return writeFile(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE));
    }

    @Override
    public WriteFile openWrite(Path file) throws IOException {
        return writeFile(FileChannel.open(file, StandardOpenOption.WRITE));
    }

    private static WriteFile writeFile(FileChannel channel) {
        return new WriteFile() {
            @Override
            public void write(ByteBuffer bytes) throws IOException {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            }

            @Override
            public void write(ByteBuffer bytes, long position) throws IOException {
                long at = position;
                while (bytes.hasRemaining()) {
                    at += channel.write(bytes, at);
                }
            }

            @Override
            public void truncate(long size) throws IOException {
                channel.truncate(size);
            }

            @Override
            public void force() throws IOException {
                channel.force(true);
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    @Override
    public void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void forceDirectory(Path directory) throws IOException {
        DurableFiles.forceDirectory(directory);
    }

    @Override
    public void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
    }

    @Override
    public String toString() {
        return "the file system";
    }

    /** Closes a segment's file; a failure to close (nothing left to lose: it was forced or is abandoned) is logged. */
    private static void closeSegment(RandomAccessFile file) {
        try {
            file.close();
        } catch (IOException e) {
            System.getLogger("io.sharedmemory.store.file").log(System.Logger.Level.DEBUG, "closing a log segment", e);
        }
    }

    /**
     * A segment mapped into memory a window at a time: a quarter of the segment, at most 2 MiB. Why windows: writing a
     * page back to the device write-protects every mapping of it, one TLB shootdown to the writers' cores per page, so
     * forcing a whole mapped segment interrupted the writers once for every 4 KiB they had appended (the forcing thread
     * spent two thirds of its time sending those interrupts, and a write through the engine on this machine's ext4
     * took about 400 ns longer than on tmpfs). A window the writer has moved past is unmapped before the force, with
     * one shootdown for all its pages, and the force is then an {@code fsync} of the file, which on Linux writes back
     * every dirty page of the file, whether written through a mapping still in place, one already unmapped, or none:
     * only the first window and the one being written are still mapped when it runs. Where segments cannot be unmapped
     * at once ({@link Unmapper#available()} false), windows would stay mapped until collected, so the segment is
     * mapped whole, as one window.
     *
     * <p>Invariants: the first window (the header, with its watermark slot, and the first records) stays mapped for the
     * segment's life, and the watermark — the one write the log makes without its lock, from the flush — always lands
     * in it. {@code window} is replaced only by {@link #write} under the log's lock, for records at growing offsets (a
     * new window starts at the page holding the record, which may lie in the previous window or in the first); a
     * window it replaces goes to {@code retired} after its last write and is never written again, and only
     * {@link #force} and {@link #close} (which the log never runs at the same time) unmap them.
     */
    private static final class Mapped implements SegmentFile {
        private final Path path;
        private final RandomAccessFile file;
        private final MappedByteBuffer head;
        private final int headSize;
        private final int windowSize;
        private final int size;
        private MappedByteBuffer window;
        private int windowStart;
        private final ConcurrentLinkedQueue<MappedByteBuffer> retired = new ConcurrentLinkedQueue<>();

        Mapped(Path path, RandomAccessFile file, int size, boolean windows) throws IOException {
            this.path = path;
            this.file = file;
            this.size = size;
            this.windowSize = windows && Unmapper.available() ? windowSize(size) : size;
            this.headSize = Math.min(size, windowSize);
            this.head = map(path, 0, headSize);
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public void write(int offset, byte[] source, int from, int length) {
            if (offset + length <= headSize) {
                head.put(offset, source, from, length);
                return;
            }
            MappedByteBuffer w = window;
            if (w == null || offset < windowStart || offset + length > windowStart + w.capacity()) {
                w = moveWindow(offset, length);
            }
            w.put(offset - windowStart, source, from, length);
        }

        private MappedByteBuffer moveWindow(int offset, int length) {
            int start = offset & -PAGE;
            int end = (int) Math.min(size, Math.max((long) start + windowSize, (long) offset + length));
            MappedByteBuffer w;
            try {
                w = map(path, start, end - start);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            MappedByteBuffer left = window;
            window = w;
            windowStart = start;
            if (left != null) {
                retired.add(left);
            }
            return w;
        }

        @Override
        public void force(int from, int to) throws IOException {
            for (MappedByteBuffer w; (w = retired.poll()) != null; ) {
                Unmapper.unmap(w);
            }
            file.getFD().sync();
        }

        @Override
        public void close() {
            for (MappedByteBuffer w; (w = retired.poll()) != null; ) {
                Unmapper.unmap(w);
            }
            if (window != null) {
                Unmapper.unmap(window);
            }
            Unmapper.unmap(head);
            closeSegment(file);
        }
    }

    /**
     * A segment written with a system call per write (the log writes what a flush found pending in one): through a
     * {@link RandomAccessFile}, whose writes and {@code fsync} an interrupt cannot abort (a {@link FileChannel} would
     * close itself when the thread writing were interrupted, and the store would stop). A positional write is a seek
     * and a write, so both run under this object's monitor: the flush's writes and a writer's (a record too big to
     * keep pending) may come from two threads.
     */
    private static final class WrittenThrough implements SegmentFile {
        private final RandomAccessFile file;
        private final int size;

        WrittenThrough(RandomAccessFile file, int size) {
            this.file = file;
            this.size = size;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public synchronized void write(int offset, byte[] source, int from, int length) {
            try {
                file.seek(offset);
                file.write(source, from, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void force(int from, int to) throws IOException {
            file.getFD().sync();
        }

        @Override
        public void close() {
            closeSegment(file);
        }
    }
}
