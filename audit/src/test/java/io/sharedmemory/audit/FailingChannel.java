package io.sharedmemory.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A file channel whose writes fail on demand, as on a full disk: the first half of the buffer goes to the file, then
 * "No space left on device", so a failed write leaves a torn tail behind, as a real one can.
 */
final class FailingChannel extends FileChannel {
    /** Shared by every channel a test's opener makes: whether the disk is full now. */
    static final class Disk {
        volatile boolean full;
        final AtomicInteger writes = new AtomicInteger();
        volatile FailingChannel last;

        /** Opens the file as the sink does, through this disk. */
        JsonLinesAuditSink.Opener opener() {
            return path -> {
                FailingChannel c = new FailingChannel(FileChannel.open(path, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE), this);
                last = c;
                return c;
            };
        }
    }

    private final FileChannel file;
    private final Disk disk;

    FailingChannel(FileChannel file, Disk disk) {
        this.file = file;
        this.disk = disk;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        disk.writes.incrementAndGet();
        if (disk.full) {
            int half = src.remaining() / 2;
            ByteBuffer part = src.slice().limit(half);
            file.write(part);
            src.position(src.position() + half);
            throw new IOException("No space left on device");
        }
        return file.write(src);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return file.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return file.read(dsts, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        throw new UnsupportedOperationException();
    }

    @Override
    public long position() throws IOException {
        return file.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        file.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        file.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        file.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return file.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return file.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return file.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return file.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return file.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return file.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }
}
