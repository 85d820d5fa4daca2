package io.sharedmemory.store.file.internal;

import io.sharedmemory.groupcommit.CommitFailedException;
import io.sharedmemory.groupcommit.GroupCommit;
import io.sharedmemory.store.StoreException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * The append-only log: framed records in numbered segment files, appended through memory, forced through one
 * {@link GroupCommit}.
 *
 * <h2>Layout</h2>
 * A segment {@code log-<number>.seg} is made full size and zero-filled, then mapped. It opens with a 64-byte header
 * (magic, its number, a checksum, and the <em>watermark</em> slot, below); records follow from byte 64. A segment ends
 * with a SEAL record naming the next segment, written when the log moves on; the last segment ends where the zeros
 * begin. A position is {@code segment << 32 | offset}: positions only grow.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Appends are serialized by {@code lock}; each is one copy into the current segment (mapped, for
 *       {@code BATCHED}) or into its pending bytes (written through, for {@code SYNC}: the flush writes them out, in
 *       one system call, before it forces), so the log's order is the order in which appends took the lock, and a
 *       record is whole in the page cache, or in the pending bytes, before the next one starts. {@code appended} is
 *       the end of the last record appended; everything before it is in the operating system's hands or pending in
 *       a segment that the next flush forces.</li>
 *   <li>A segment is written only while it is {@code current}; once sealed it is only forced, then closed (unmapped)
 *       by the flush that forced its last byte. A flush holds {@code flushLock} while it touches mappings, and close
 *       takes it before unmapping anything, so no mapping is used after it is unmapped (which would crash the JVM).</li>
 *   <li>Segment numbers are consecutive: the next segment's number is taken under {@code lock}, by the background
 *       preparation or by a writer that finds none prepared, never by both (a writer waits for a preparation under
 *       way).</li>
 *   <li>The watermark: after a flush forced everything up to position W, W is written into the header of the segment
 *       holding it. It is never more than what is on the device, so recovery knows that a damaged record before the
 *       highest watermark it finds was once forced: damage, not a torn tail.</li>
 *   <li>Fail-stop: the first failure to write, create a segment or force sets {@code stopped}; no append is accepted
 *       after it and the group commit fails every waiter. Nothing is retried.</li>
 * </ul>
 */
final class Log {
    static final int HEADER = 64;
    static final int WATERMARK_AT = 24;
    static final int SEAL_BYTES = RecordWriter.FRAME + 1 + 8;
    /** The most bytes a segment written through keeps pending before they are written at once. */
    static final int PENDING_LIMIT = 1 << 20;
    private static final int PENDING_INITIAL = 16 << 10;
    static final byte[] MAGIC = "SM-LOG01".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.store.file");

    /** One segment file while the log has it open. */
    static final class Segment {
        final long number;
        final Path path;
        final Disk.SegmentFile file;
        /** The end of what is written (under the log's lock); final once sealed. */
        int end = HEADER;
        /** Under the log's lock. */
        boolean sealed;
        /** Forced up to here; touched only by the flush (one at a time). */
        int forcedTo;
        /**
         * For a segment written through ({@code SYNC}), the bytes appended that no system call has written yet:
         * {@code pendingLength} bytes that belong at {@code pendingFrom}; under the log's lock.
         */
        byte[] pending;
        int pendingFrom;
        int pendingLength;
        /** A buffer the last flush is done with, for the next pending bytes; under the log's lock. */
        byte[] spare;

        Segment(long number, Path path, Disk.SegmentFile file) {
            this.number = number;
            this.path = path;
            this.file = file;
        }
    }

    private final Disk disk;
    private final Path directory;
    private final int segmentSize;
    private final boolean writeThrough;
    private final Executor preparer;
    private final GroupCommit commit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition preparation = lock.newCondition();
    private final ReentrantLock flushLock = new ReentrantLock();
    private final ArrayDeque<Segment> unforced = new ArrayDeque<>();
    private Segment current;
    private int offset;
    private Segment next;
    private boolean preparing;
    private long nextNumber;
    private boolean closed;
    private boolean released;
    // under the lock: a volatile store per append would cost a fence each; their readers are rare (maintenance)
    private long appended;
    private long appendedBytes;
    private volatile StoreException stopped;

    /**
     * Opens a log whose first segment is {@code first}, created now.
     *
     * @param writeThrough whether segments are written with a system call per record (see
     *        {@link Disk#createSegment}): for {@code SYNC}, whose log is forced after almost every write
     * @throws IOException when the segment cannot be created
     */
    Log(Disk disk, Path directory, int segmentSize, boolean writeThrough, long first, Executor preparer)
            throws IOException {
        this.disk = disk;
        this.directory = directory;
        this.segmentSize = segmentSize;
        this.writeThrough = writeThrough;
        this.preparer = preparer;
        this.current = create(first, segmentSize);
        this.nextNumber = first + 1;
        this.offset = HEADER;
        this.appended = position(first, HEADER);
        this.unforced.add(current);
        this.commit = new GroupCommit("the log in " + directory, position(first, 0), this::flush);
    }

    static long position(long segment, int offset) {
        return segment << 32 | offset;
    }

    static String segmentName(long number) {
        return String.format("log-%016d.seg", number);
    }

    /** @return the segment number in a segment's file name, or -1 */
    static long segmentNumber(String name) {
        return number(name, "log-", ".seg");
    }

    static long number(String name, String prefix, String suffix) {
        return number(name, prefix, suffix, 16);
    }

    /** @return the number of {@code digits} digits between prefix and suffix, or -1 */
    static long number(String name, String prefix, String suffix, int digits) {
        if (name.length() != prefix.length() + digits + suffix.length() || !name.startsWith(prefix)
                || !name.endsWith(suffix)) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(prefix.length(), prefix.length() + digits));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The header of a new segment: magic, number, checksum of both. */
    static byte[] header(long number) {
        byte[] h = new byte[20];
        System.arraycopy(MAGIC, 0, h, 0, 8);
        LONG.set(h, 8, number);
        CRC32C crc = new CRC32C();
        crc.update(h, 0, 16);
        INT.set(h, 16, (int) crc.getValue());
        return h;
    }

    /** The watermark slot: the position, and a checksum of it (a torn slot reads as no watermark). */
    static byte[] watermark(long position) {
        byte[] w = new byte[12];
        LONG.set(w, 0, position);
        CRC32C crc = new CRC32C();
        crc.update(w, 0, 8);
        INT.set(w, 8, (int) crc.getValue());
        return w;
    }

    /** @return the watermark in a slot's 12 bytes, or -1 when it holds none or a torn one */
    static long readWatermark(byte[] slot, int at) {
        long position = (long) LONG.get(slot, at);
        CRC32C crc = new CRC32C();
        crc.update(slot, at, 8);
        return position != 0 && (int) INT.get(slot, at + 8) == (int) crc.getValue() ? position : -1;
    }

    private Segment create(long number, int size) throws IOException {
        Path path = directory.resolve(segmentName(number));
        Disk.SegmentFile file = disk.createSegment(path, size, writeThrough);
        try {
            byte[] h = header(number);
            file.write(0, h, 0, h.length);
            // the segment's name must survive a power loss before any record in it is called durable
            disk.forceDirectory(directory);
        } catch (IOException | RuntimeException e) {
            file.close();
            try {
                disk.delete(path);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return new Segment(number, path, file);
    }

    /**
     * Appends one framed record: when it returns, the record is in the operating system's hands.
     *
     * @return the position of the record's end
     * @throws StoreException when the log is closed or stopped (nothing appended), or this append failed (the log
     *         stops)
     */
    long append(RecordWriter record) {
        int n = record.size();
        lock.lock();
        try {
            refuseIfStopped();
            if (offset + n > current.file.size() - SEAL_BYTES) {
                roll(n);
            }
            try {
                put(record.array(), n);
            } catch (RuntimeException | Error e) {
                // part of the record may be in the page cache: nothing may be appended after it
                throw stop(new StoreException("Writing to the log segment " + current.path + " failed: " + e, e,
                        true));
            }
            offset += n;
            current.end = offset;
            appendedBytes += n;
            long p = position(current.number, offset);
            appended = p;
            if (next == null && !preparing && offset > current.file.size() >> 1) {
                prepareInBackground();
            }
            return p;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock: puts bytes at the end of the current segment (at {@code offset}). A mapped segment takes them
     * at once. A segment written through ({@code SYNC}) keeps them pending, in order, and the next flush writes all
     * that is pending with one system call before it forces: its writers, who all wait for that flush, make no system
     * call of their own. When {@value #PENDING_LIMIT} bytes or more would be pending, what is pending and these bytes
     * are written at once instead; these may then reach the operating system before earlier bytes that a running flush
     * is writing, which a crash in between leaves as a gap past the last force: a torn tail to recovery, and nothing
     * acknowledged is in it or after it.
     */
    private void put(byte[] bytes, int n) {
        Segment s = current;
        if (!writeThrough) {
            s.file.write(offset, bytes, 0, n);
            return;
        }
        if (s.pendingLength + n >= PENDING_LIMIT) {
            int length = s.pendingLength;
            s.pendingLength = 0;
            if (length > 0) {
                s.file.write(s.pendingFrom, s.pending, 0, length);
            }
            s.file.write(offset, bytes, 0, n);
            return;
        }
        if (s.pendingLength == 0) {
            s.pendingFrom = offset;
        }
        int length = s.pendingLength + n;
        byte[] to = s.pending;
        if (to == null || to.length < length) {
            to = new byte[Math.min(PENDING_LIMIT, Math.max(length, to == null ? PENDING_INITIAL : to.length * 2))];
            if (s.pendingLength > 0) {
                System.arraycopy(s.pending, 0, to, 0, s.pendingLength);
            }
            s.pending = to;
        }
        System.arraycopy(bytes, 0, to, s.pendingLength, n);
        s.pendingLength = length;
    }

    /** Under the lock. */
    private void refuseIfStopped() {
        if (closed) {
            throw new StoreException("The file store in " + directory + " is closed");
        }
        StoreException s = stopped;
        if (s != null) {
            throw new StoreException("The file store in " + directory + " stopped accepting writes after a failure ("
                    + s.getMessage() + "); nothing was changed. Reopen it once the cause is fixed", s);
        }
    }

    /**
     * Under the lock: seals the current segment and moves to the next. A segment prepared in the background is used
     * when there is one; otherwise this writer makes it, without holding the lock, so that writers whose records still
     * fit in the current segment go on meanwhile (those that need the next one wait for it).
     */
    private void roll(int record) {
        int need = HEADER + record + SEAL_BYTES;
        for (;;) {
            while (preparing) {
                preparation.awaitUninterruptibly();
            }
            refuseIfStopped();
            if (offset + record <= current.file.size() - SEAL_BYTES) {
                return; // another writer moved the log on meanwhile
            }
            Segment s = next;
            if (s != null && s.file.size() >= need) {
                next = null;
                sealTowards(s);
                return;
            }
            if (s != null) {
                next = null;
                discard(s);
                nextNumber = s.number;
            }
            long number = nextNumber;
            preparing = true;
            Segment made = null;
            Exception failure = null;
            lock.unlock();
            try {
                made = create(number, Math.max(segmentSize, need));
            } catch (IOException | RuntimeException e) {
                failure = e;
            } finally {
                lock.lock();
                preparing = false;
                preparation.signalAll();
            }
            if (failure != null) {
                throw stop(new StoreException("Cannot create the log segment " + directory.resolve(segmentName(number))
                        + ": " + failure, failure, false));
            }
            nextNumber = number + 1;
            if (closed) {
                discard(made);
                refuseIfStopped();
            }
            next = made;
        }
    }

    /** Under the lock: writes the SEAL naming {@code s} at the end of the current segment, and moves on to it. */
    private void sealTowards(Segment s) {
        RecordWriter seal = Records.seal(new RecordWriter(), s.number);
        seal.finish();
        try {
            put(seal.array(), seal.size());
        } catch (RuntimeException | Error e) {
            discard(s);
            throw stop(new StoreException("Writing to the log segment " + current.path + " failed: " + e, e, true));
        }
        current.end = offset + seal.size();
        current.sealed = true;
        current = s;
        offset = HEADER;
        unforced.add(s);
        appended = position(s.number, HEADER);
    }

    private void discard(Segment s) {
        s.file.close();
        try {
            disk.delete(s.path);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete the unused log segment " + s.path, e);
        }
    }

    /** Under the lock. */
    private void prepareInBackground() {
        preparing = true;
        try {
            preparer.execute(this::prepareNext);
        } catch (RejectedExecutionException e) {
            preparing = false;
        }
    }

    /** In the background: makes the next segment before the current one is full, so writers do not wait for it. */
    private void prepareNext() {
        long number;
        lock.lock();
        try {
            if (closed || next != null) {
                preparing = false;
                preparation.signalAll();
                return;
            }
            number = nextNumber;
        } finally {
            lock.unlock();
        }
        Segment s = null;
        try {
            s = create(number, segmentSize);
        } catch (IOException | RuntimeException e) {
            // the writer that needs it tries once more, and stops the store if that fails too
            LOG.log(System.Logger.Level.WARNING, "could not prepare the log segment " + segmentName(number) + " in "
                    + directory + ": " + e);
        }
        lock.lock();
        try {
            preparing = false;
            if (s != null) {
                if (closed) {
                    discard(s);
                } else {
                    next = s;
                    nextNumber = number + 1;
                }
            }
            preparation.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Where the log stands: the end of the last record appended, and the bytes appended since it was opened. */
    record Mark(long position, long bytes) {
    }

    /*
     * Changes in flight: a change is appended to the log inside its key's step, before the memory table installs it,
     * so at a given position of the log some changes before it may not be installed yet. A snapshot that scanned the
     * tables then would hold a key's state from before a record that lies before its cut and is therefore never
     * replayed over it (a write lost, a deleted key back). So every change is counted, from before its append until
     * it is installed, under the parity of the epoch it saw; settledMark flips the epoch after it took the cut and
     * waits until the previous parity's count is zero. A change counted under the new epoch saw it after the flip, so
     * its append comes after the cut. A writer re-reads the epoch after counting itself and moves to the new one if
     * it flipped meanwhile: with both sides' steps volatile, either the snapshot sees the count or the writer sees
     * the flip, and no change stays counted under an epoch older than the current one once its wait is over.
     */
    private final AtomicLong[] inFlight = {new AtomicLong(), new AtomicLong()};
    private volatile int epoch;

    /** Counts a change in flight, before its append. @return the ticket to give {@link #installed} */
    int changing() {
        for (;;) {
            int e = epoch;
            AtomicLong count = inFlight[e & 1];
            count.incrementAndGet();
            if (epoch == e) {
                return e;
            }
            count.decrementAndGet();
        }
    }

    /** The change counted by {@link #changing} is installed (or was never appended). */
    void installed(int ticket) {
        inFlight[ticket & 1].decrementAndGet();
    }

    /**
     * For a snapshot (one at a time): where the log stands, once every change appended before that position is
     * installed in the memory tables — so a scan of the tables that starts after this returns holds each of them.
     */
    Mark settledMark() {
        Mark m = mark();
        int e = epoch;
        epoch = e + 1;
        AtomicLong count = inFlight[e & 1];
        // a change is in flight for a step's length (microseconds), or for a SYNC clear's force, or a custom
        // resolver's run: spin briefly, then sleep in short steps rather than burn a core the writers need
        for (int spins = 0; count.get() != 0; spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
        return m;
    }

    /**
     * @return where the log stands now (every change committed before this moment is in the log before the position;
     *         some before it may not be installed yet: a snapshot uses {@link #settledMark})
     */
    Mark mark() {
        lock.lock();
        try {
            return new Mark(appended, appendedBytes);
        } finally {
            lock.unlock();
        }
    }

    static long segmentOf(long position) {
        return position >>> 32;
    }

    static int offsetOf(long position) {
        return (int) position;
    }

    /**
     * Returns once everything up to the position is forced to the device.
     *
     * @throws StoreException (outcome unknown) when the force failed, now or before: the data is in the operating
     *         system's hands but not known to be on the device; the log accepts nothing more
     */
    void awaitDurable(long position) {
        try {
            commit.await(position);
        } catch (CommitFailedException e) {
            throw new StoreException("The log in " + directory + " could not be forced to disk earlier ("
                    + e.getCause().getMessage() + "); this change is in the operating system's hands, not known "
                    + "to be on the device. The store accepts no more writes", e, true);
        } catch (IOException e) {
            throw new StoreException("Forcing the log in " + directory + " to disk failed (" + e.getMessage()
                    + "); this change is in the operating system's hands, not known to be on the device. The store "
                    + "accepts no more writes", e, true);
        }
    }

    /** The group commit's flush: forces every segment with unforced bytes, then records the watermark. */
    private long flush(long target) throws IOException {
        flushLock.lock();
        try {
            Segment[] segments;
            int[] ends;
            byte[][] pending;
            int[] pendingFrom;
            int[] pendingLength;
            lock.lock();
            try {
                if (released) {
                    throw new IOException("the log in " + directory + " is closed");
                }
                segments = unforced.toArray(new Segment[0]);
                ends = new int[segments.length];
                pending = new byte[segments.length][];
                pendingFrom = new int[segments.length];
                pendingLength = new int[segments.length];
                for (int i = 0; i < segments.length; i++) {
                    Segment s = segments[i];
                    ends[i] = s == current ? offset : s.end;
                    if (s.pendingLength > 0) {
                        pending[i] = s.pending;
                        pendingFrom[i] = s.pendingFrom;
                        pendingLength[i] = s.pendingLength;
                        s.pending = s.spare;
                        s.spare = null;
                        s.pendingLength = 0;
                    }
                }
            } finally {
                lock.unlock();
            }
            Segment last = segments[segments.length - 1];
            long reached = position(last.number, ends[segments.length - 1]);
            try {
                for (int i = 0; i < segments.length; i++) {
                    Segment s = segments[i];
                    if (pending[i] != null) {
                        s.file.write(pendingFrom[i], pending[i], 0, pendingLength[i]);
                    }
                    if (s.forcedTo < ends[i]) {
                        s.file.force(s.forcedTo, ends[i]);
                        s.forcedTo = ends[i];
                    }
                }
                byte[] w = watermark(reached);
                last.file.write(WATERMARK_AT, w, 0, w.length);
            } catch (IOException | RuntimeException e) {
                IOException io = e instanceof IOException i ? i : new IOException(e.toString(), e);
                stop(new StoreException("Forcing the log in " + directory + " to disk failed: " + e, io, true));
                throw io;
            }
            List<Segment> done = new ArrayList<>();
            lock.lock();
            try {
                for (int i = 0; i < segments.length; i++) {
                    if (pending[i] != null && segments[i].spare == null) {
                        segments[i].spare = pending[i];
                    }
                }
                unforced.removeIf(s -> {
                    boolean forced = s.sealed && s.forcedTo == s.end;
                    if (forced) {
                        done.add(s);
                    }
                    return forced;
                });
            } finally {
                lock.unlock();
            }
            for (Segment s : done) {
                s.file.close();
            }
            // at least the target: the caller appended up to it, before the segments were read under the lock
            return reached;
        } finally {
            flushLock.unlock();
        }
    }

    private StoreException stop(StoreException cause) {
        if (stopped == null) {
            stopped = cause;
            LOG.log(System.Logger.Level.ERROR, "sharedmemory: the file store in " + directory + " stopped accepting "
                    + "writes: " + cause.getMessage());
        }
        commit.fail(cause.getCause() instanceof IOException io ? io : new IOException(cause.getMessage(), cause));
        return cause;
    }

    /** @return the end of the last record appended */
    long appended() {
        lock.lock();
        try {
            return appended;
        } finally {
            lock.unlock();
        }
    }

    /** @return the bytes appended since the log was opened */
    long appendedBytes() {
        lock.lock();
        try {
            return appendedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** @return the position known forced to the device */
    long durable() {
        return commit.durable();
    }

    /** @return why the log stopped, or null */
    StoreException stopped() {
        return stopped;
    }

    /** @return the number of the segment being written */
    long currentSegment() {
        lock.lock();
        try {
            return current.number;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forces what was appended (unless the log stopped), then releases every segment; the current one is cut to its
     * end, so a closed log takes only what it holds. Idempotent.
     */
    void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            while (preparing) {
                preparation.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        boolean clean = stopped == null;
        if (clean) {
            try {
                awaitDurable(appended());
            } catch (StoreException e) {
                clean = false;
                LOG.log(System.Logger.Level.ERROR, "sharedmemory: closing the file store in " + directory + ": "
                        + e.getMessage());
            }
        }
        flushLock.lock();
        lock.lock();
        try {
            released = true;
            for (Segment s : unforced) {
                s.file.close();
            }
            unforced.clear();
            if (next != null) {
                discard(next);
                next = null;
            }
        } finally {
            lock.unlock();
            flushLock.unlock();
        }
        if (clean) {
            try (Disk.WriteFile f = disk.openWrite(current.path)) {
                f.truncate(current.end);
                f.force();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "could not cut " + current.path + " to its end", e);
            }
        }
    }
}
