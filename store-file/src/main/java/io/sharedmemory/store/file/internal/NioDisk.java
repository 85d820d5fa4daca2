package io.sharedmemory.store.file.internal;

import io.sharedmemory.groupcommit.DurableFiles;
import java.io.IOException;
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
import java.util.stream.Stream;

/**
 * The real file system, through NIO. A log segment is a file written full of zeros when it is made (so that its
 * blocks are reserved: a full disk fails the segment's creation, never a write into a mapped page, which would be a
 * SIGBUS) and then mapped into memory: appending a record is a copy into the page cache, which survives a crash of the
 * process; {@link SegmentFile#force} is {@code msync}.
 */
public final class NioDisk implements Disk {
    /** The one instance: it holds no state. */
    public static final NioDisk INSTANCE = new NioDisk();
    /** A megabyte of zeros, shared (each use takes its own view of it), never written. */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20);

    private NioDisk() {
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
    public SegmentFile createSegment(Path file, int size) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            ByteBuffer zeros = ZEROS.duplicate();
            long at = 0;
            while (at < size) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
                while (zeros.hasRemaining()) {
                    at += channel.write(zeros, at);
                }
            }
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            return new Mapped(channel, map, size);
        } catch (IOException | RuntimeException e) {
            channel.close();
            try {
                Files.deleteIfExists(file);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
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

    /** A segment mapped into memory. */
    private static final class Mapped implements SegmentFile {
        private final FileChannel channel;
        private final MappedByteBuffer map;
        private final int size;

        Mapped(FileChannel channel, MappedByteBuffer map, int size) {
            this.channel = channel;
            this.map = map;
            this.size = size;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public void write(int offset, byte[] source, int from, int length) {
            map.put(offset, source, from, length);
        }

        @Override
        public void force(int from, int to) throws IOException {
            try {
                map.force(from, to - from);
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
        }

        @Override
        public void close() {
            Unmapper.unmap(map);
            try {
                channel.close();
            } catch (IOException e) {
                System.getLogger("io.sharedmemory.store.file").log(System.Logger.Level.DEBUG,
                        "closing a log segment", e);
            }
        }
    }
}
