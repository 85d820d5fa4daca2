package io.sharedmemory.audit;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.groupcommit.DurableFiles;
import io.sharedmemory.groupcommit.GroupCommit;
import io.sharedmemory.json.Json;
import io.sharedmemory.spi.AuditSink;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * An {@link AuditSink} that appends every entry to a file as one JSON object per line (JSON Lines), durably.
 *
 * <h2>Format</h2>
 * Each line is an object with the fields {@code timestamp} (ISO-8601 UTC, millisecond precision, as
 * {@link Instant#toString()}), {@code agentId}, {@code action} (an {@link AccessAction} name such as {@code "WRITE"}),
 * {@code namespace}, {@code key}, {@code success} (boolean) and {@code error}; absent values are JSON {@code null}. The
 * file is UTF-8, written and read with the project's JSON codec ({@code io.sharedmemory.json.Json}); quotes,
 * backslashes, control characters, U+2028/U+2029 and unpaired surrogates are written as JSON escapes, so every line is
 * valid JSON whatever agents put in names and keys. Lines appear in the order their
 * {@link #record} calls were accepted, so each agent's entries keep its order of operations.
 * {@link #readAll(Path)} reads a file back.
 *
 * <h2>Durability</h2>
 * When {@link #record} returns, the line has been written to the operating system ({@link Durability#PROCESS_CRASH}:
 * it survives a crash or kill of this JVM) and, with {@link Durability#POWER_LOSS}, forced to the storage device too
 * (it survives a power loss). Concurrent callers share writes (and forces) through a group commit: one caller writes
 * every line queued so far in a single system call, so throughput grows with concurrency while each caller still returns only once its own line
 * is written. An entry {@code record} returned for is never lost; one for which it threw was not written.
 *
 * <h2>Restarts and failures</h2>
 * {@link #open} appends to an existing file. A line torn by a crash in the middle of a write (a last line without its
 * newline) is cut off when the file is reopened, so the file always consists of whole lines; {@link #readAll} ignores
 * such a tail too. The file is locked while open, so a second sink (in this or another process) cannot interleave lines
 * with this one.
 *
 * <p>A write that fails (disk full, device gone) fails the entries of its batch ({@code record} throws
 * {@link UncheckedIOException}: not written) and is logged once; the file is cut back to its last whole line. Then the
 * sink retries by itself, at the first {@code record} once a second has passed: it restores the file
 * to its last whole line (and reopens it, with its lock, if the channel was closed), and writes again; until then each
 * entry is refused at once, without touching the disk. When a retry succeeds, the sink says how many entries it
 * refused, and goes on: a full disk that is freed needs no restart.
 *
 * <p>Thread-safe. {@link #close()} writes what is queued, forces it to the device and releases the file.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Every {@link Line} handed to {@code pending} ends written or failed, never both, and its caller waits until it
 *       is one of them: lines get consecutive tickets, and the {@link GroupCommit} (module
 *       {@code io.sharedmemory.groupcommit}, shared with the file store) returns a caller once a batch up to its
 *       ticket is done; the lines of one batch are written in one system call, in queue order.</li>
 *   <li>{@code size} is the length of the file's whole lines; after a failed write the file is cut back to it (or the
 *       sink is broken until a repair does it), so no half batch ever stays between two whole lines.</li>
 *   <li>{@code channel}, {@code fileLock}, {@code size}, {@code broken} and {@code durability} change only under
 *       {@code writeLock}.</li>
 * </ul>
 */
public final class JsonLinesAuditSink implements AuditSink, Closeable {
    /** How durable an entry is when {@link JsonLinesAuditSink#record} returns. */
    public enum Durability {
        /** Written to the operating system: survives a crash of the JVM, not necessarily a power loss. */
        PROCESS_CRASH,
        /**
         * Written and forced to the storage device ({@code fdatasync}; the directory too when the file is opened):
         * survives a power loss; much slower.
         */
        POWER_LOSS
    }

    /** How long after a failed write the sink tries again. */
    static final long RETRY_MILLIS = 1000;

    private static final System.Logger LOG = System.getLogger(JsonLinesAuditSink.class.getName());

    /** How the sink opens its file: {@link FileChannel#open}, or a test's stand-in that fails on demand. */
    @FunctionalInterface
    interface Opener {
        FileChannel open(Path path) throws IOException;
    }

    private static final Opener FILES = path -> FileChannel.open(path, StandardOpenOption.CREATE,
            StandardOpenOption.READ, StandardOpenOption.WRITE);

    /** One entry's line, and what became of it. */
    private static final class Line {
        final byte[] bytes;
        /**
         * 0: queued, 1: written, 2: failed. Set under writeLock, before the group commit publishes the batch's end,
         * which its caller waits for: so the caller reads it after.
         */
        int state;
        IOException failure;

        Line(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    private final Path file;
    private final Opener opener;
    private final LongSupplier nanoTime;

    // Lines wait in `pending` (ticket = their position in the total order) until the group commit's leader writes the
    // whole batch under `writeLock`; each caller returns once a batch that held its line is done, and throws if its
    // line failed. Lock order: writeLock, then queueLock.
    private final Object queueLock = new Object();
    private List<Line> pending = new ArrayList<>();
    private long enqueued;
    private boolean closed;
    /** Shares each batch's write (and force) among the callers that queued meanwhile; see {@link #flush}. */
    private final GroupCommit commit;

    private final ReentrantLock writeLock = new ReentrantLock();
    private Durability durability;
    private FileChannel channel;
    private FileLock fileLock;
    private long size;
    /** The failure the sink has not recovered from yet, or null. */
    private IOException broken;
    private long retryAtNanos;
    private long refusedSinceBroken;

    private JsonLinesAuditSink(Path file, Durability durability, FileChannel channel, FileLock fileLock, long size,
                               Opener opener, LongSupplier nanoTime) {
        this.file = file;
        this.durability = durability;
        this.channel = channel;
        this.fileLock = fileLock;
        this.size = size;
        this.opener = opener;
        this.nanoTime = nanoTime;
        this.commit = new GroupCommit("audit file " + file, 0, this::flush);
    }

    /**
     * Opens (creating it and its parent directories when missing) a file for appending, with
     * {@link Durability#PROCESS_CRASH}.
     *
     * @param file the file; relative paths are resolved against the working directory
     * @return the open sink
     * @throws IllegalArgumentException when the path is a directory, or the file is already open in another sink
     * @throws UncheckedIOException when the file cannot be created, opened, locked or repaired
     */
    public static JsonLinesAuditSink open(Path file) {
        return open(file, Durability.PROCESS_CRASH);
    }

    /**
     * Opens (creating it and its parent directories when missing) a file for appending, cutting off a torn last line
     * left by a crash.
     *
     * @param file the file; relative paths are resolved against the working directory
     * @param durability how durable an entry is when {@link #record} returns
     * @return the open sink
     * @throws IllegalArgumentException when the path is a directory, or the file is already open in another sink
     * @throws UncheckedIOException when the file cannot be created, opened, locked or repaired
     */
    public static JsonLinesAuditSink open(Path file, Durability durability) {
        return open(file, durability, FILES, System::nanoTime);
    }

    /** {@link #open(Path, Durability)} with the file opened by {@code opener} and time read from {@code nanoTime}. */
    static JsonLinesAuditSink open(Path file, Durability durability, Opener opener, LongSupplier nanoTime) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(durability, "durability");
        Path path = file.toAbsolutePath().normalize();
        Opened opened = openChannel(path, durability, opener);
        return new JsonLinesAuditSink(path, durability, opened.channel, opened.lock, opened.size, opener, nanoTime);
    }

    private record Opened(FileChannel channel, FileLock lock, long size) {
    }

    private static Opened openChannel(Path path, Durability durability, Opener opener) {
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException("Cannot open audit file " + path + ": it is a directory");
        }
        FileChannel channel = null;
        try {
            Path parent = path.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            channel = opener.open(path);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalArgumentException("Cannot open audit file " + path
                        + ": it is already open in another audit sink (in this or another process)");
            }
            long size = cutTornTail(channel, path);
            channel.position(size);
            if (durability == Durability.POWER_LOSS && parent != null) {
                forceDirectory(parent);
            }
            Opened opened = new Opened(channel, lock, size);
            channel = null;
            return opened;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open audit file " + path + ": " + e, e);
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "closing " + path + " after a failed open", e);
                }
            }
        }
    }

    /** @return the file, as an absolute path */
    public Path file() {
        return file;
    }

    /** @return the durability of an entry when {@link #record} returns */
    public Durability durability() {
        writeLock.lock();
        try {
            return durability;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Changes how durable the entries recorded from now on are, keeping the file open (a reopen could fail, and the
     * file in use would be lost).
     *
     * @param durability the new durability
     * @since 1.1
     */
    public void durability(Durability durability) {
        Objects.requireNonNull(durability, "durability");
        writeLock.lock();
        try {
            if (this.durability != durability && durability == Durability.POWER_LOSS && file.getParent() != null) {
                forceDirectory(file.getParent());
            }
            this.durability = durability;
        } finally {
            writeLock.unlock();
        }
    }

    /** @return whether the sink accepts entries: not closed, and not failing (its last write, or retry, succeeded) */
    public boolean isOpen() {
        writeLock.lock();
        try {
            return broken == null && channel.isOpen() && !isClosed();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Appends the entry as one line and returns once it is durable as {@link #durability()} says.
     *
     * @param entry the entry; not null
     * @throws IllegalStateException when the sink is closed
     * @throws UncheckedIOException when the line could not be written (the file failed, now or shortly before)
     */
    @Override
    public void record(AccessLogEntry entry) {
        Objects.requireNonNull(entry, "entry");
        Line line = new Line(line(entry));
        long ticket;
        synchronized (queueLock) {
            if (closed) {
                throw new IllegalStateException("Audit file " + file + " is closed");
            }
            pending.add(line);
            ticket = ++enqueued;
        }
        try {
            commit.await(ticket);
        } catch (IOException e) {
            // the flush marks a failed batch's lines instead of throwing; this is a failure of the flush itself
            throw new UncheckedIOException("Audit file " + file + " failed; the entry was not written: " + e, e);
        }
        if (line.state != 1) {
            throw new UncheckedIOException("Audit file " + file + " failed; the entry was not written: "
                    + line.failure, line.failure);
        }
    }

    /**
     * The group commit's flush, run by one caller for all that queued: writes (and forces) every queued line under
     * {@code writeLock}. It does not throw for a failed write: the batch's lines are marked failed (their callers
     * throw) and the sink retries later by itself, so unlike a log's, a failure here is not final.
     *
     * @return the ticket of the last line done: every line up to it is written or failed
     */
    private long flush(long target) {
        writeLock.lock();
        try {
            return writePending().upTo();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Writes every queued line, forces the file to the device and releases it. Idempotent. Entries recorded
     * concurrently either are written before the file closes or get {@link IllegalStateException}.
     *
     * @throws IOException when the last writes or the force fail
     */
    @Override
    public void close() throws IOException {
        synchronized (queueLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        writeLock.lock();
        try {
            IOException last = writePending().failure();
            try {
                if (broken == null && channel.isOpen()) {
                    channel.force(false);
                }
            } catch (IOException e) {
                last = e;
            }
            try {
                if (fileLock.isValid()) {
                    fileLock.release();
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "releasing the lock of " + file, e);
            } finally {
                channel.close();
            }
            if (last != null) {
                throw last;
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "JsonLinesAuditSink[" + file + ", " + durability() + "]";
    }

    private boolean isClosed() {
        synchronized (queueLock) {
            return closed;
        }
    }

    /** What a batch came to: every line up to ticket {@code upTo} is done; {@code failure} why this one failed. */
    private record Batch(long upTo, IOException failure) {
    }

    /**
     * Called with writeLock held: writes (and forces) everything queued, marking each line written or failed.
     *
     * @return the last ticket done, and why the lines of this batch failed (or null)
     */
    private Batch writePending() {
        List<Line> batch;
        long upTo;
        synchronized (queueLock) {
            batch = pending;
            upTo = enqueued;
            pending = new ArrayList<>();
        }
        if (batch.isEmpty()) {
            return new Batch(upTo, null);
        }
        if (broken != null && !repaired()) {
            fail(batch, broken);
            return new Batch(upTo, broken);
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(concat(batch));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (durability == Durability.POWER_LOSS) {
                channel.force(false);
            }
            size = channel.position();
            for (Line l : batch) {
                l.state = 1;
            }
            return new Batch(upTo, null);
        } catch (IOException e) {
            // leave whole lines only: a later reader, or the next write, must not see half of this batch as a line
            try {
                channel.truncate(size);
                channel.position(size);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            broken = e;
            retryAtNanos = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
            refusedSinceBroken = 0;
            LOG.log(System.Logger.Level.ERROR, "Audit file " + file + " failed; its entries are refused (and "
                    + "counted) until a retry, every " + RETRY_MILLIS + " ms, succeeds", e);
            fail(batch, e);
            return new Batch(upTo, e);
        }
    }

    private void fail(List<Line> batch, IOException why) {
        refusedSinceBroken += batch.size();
        for (Line l : batch) {
            l.failure = why;
            l.state = 2;
        }
    }

    /**
     * Called with writeLock held while broken: when it is time, puts the file back to its whole lines (reopening it if
     * its channel was closed), so that the batch can be written.
     *
     * @return whether the sink works again
     */
    private boolean repaired() {
        if (nanoTime.getAsLong() - retryAtNanos < 0) {
            return false;
        }
        try {
            if (!channel.isOpen()) {
                // an interrupted writer closes a FileChannel for everyone, and a lost device closes it too
                Opened opened = openChannel(file, durability, opener);
                channel = opened.channel;
                fileLock = opened.lock;
                size = opened.size;
            } else {
                if (channel.size() != size) {
                    channel.truncate(size);
                }
                channel.position(size);
            }
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            broken = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            retryAtNanos = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
            return false;
        }
        LOG.log(System.Logger.Level.WARNING, "Audit file " + file + " works again, after " + refusedSinceBroken
                + " refused entr" + (refusedSinceBroken == 1 ? "y" : "ies") + " (" + broken + ")");
        broken = null;
        return true;
    }

    private static byte[] concat(List<Line> lines) {
        if (lines.size() == 1) {
            return lines.get(0).bytes;
        }
        int total = 0;
        for (Line l : lines) {
            total += l.bytes.length;
        }
        byte[] all = new byte[total];
        int at = 0;
        for (Line l : lines) {
            System.arraycopy(l.bytes, 0, all, at, l.bytes.length);
            at += l.bytes.length;
        }
        return all;
    }

    /** A new file's name lives in its directory: without this a power loss could lose the whole file. */
    private static void forceDirectory(Path dir) {
        try {
            DurableFiles.forceDirectory(dir);
        } catch (IOException e) {
            // some platforms (Windows) cannot open or force a directory; the file's own forces still hold
            LOG.log(System.Logger.Level.DEBUG, "cannot force directory " + dir, e);
        }
    }

    /** Cuts the file after its last newline, and returns the new size. */
    private static long cutTornTail(FileChannel channel, Path path) throws IOException {
        long size = channel.size();
        long end = size;
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        while (end > 0) {
            int n = (int) Math.min(chunk.capacity(), end);
            chunk.clear().limit(n);
            long from = end - n;
            while (chunk.hasRemaining()) {
                if (channel.read(chunk, from + chunk.position()) < 0) {
                    throw new IOException("unexpected end of file while reading " + path);
                }
            }
            for (int i = n - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    long keep = from + i + 1;
                    truncate(channel, path, size, keep);
                    return keep;
                }
            }
            end = from;
        }
        truncate(channel, path, size, 0);
        return 0;
    }

    private static void truncate(FileChannel channel, Path path, long size, long keep) throws IOException {
        if (keep < size) {
            LOG.log(System.Logger.Level.WARNING, "Audit file " + path + " ended in a torn line (" + (size - keep)
                    + " bytes, from a crash during a write); cut it off");
            channel.truncate(keep);
            channel.force(false);
        }
    }

    /**
     * Formats one entry as its JSON line, newline included.
     *
     * @param entry the entry
     * @return the line
     */
    static String toJsonLine(AccessLogEntry entry) {
        return new String(line(entry), StandardCharsets.UTF_8);
    }

    /** The entry's line in UTF-8, through the project's JSON codec, fields in the documented order. */
    private static byte[] line(AccessLogEntry entry) {
        Map<String, Object> fields = new LinkedHashMap<>(16);
        fields.put("timestamp", entry.timestamp().toString());
        fields.put("agentId", entry.agentId());
        fields.put("action", entry.action().name());
        fields.put("namespace", entry.namespace());
        fields.put("key", entry.key());
        fields.put("success", entry.success());
        fields.put("error", entry.error());
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        Json.write(fields, out);
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * Reads every whole entry of a file written by this sink (a torn last line is ignored), oldest first. Meant for
     * operators and tests: it reads the whole file into memory. Unknown fields are ignored, so files written by later
     * versions that add fields still read.
     *
     * @param file the file
     * @return the entries, unmodifiable
     * @throws UncheckedIOException when the file cannot be read, or a whole line is not a valid entry (the message
     *         names the line)
     */
    public static List<AccessLogEntry> readAll(Path file) {
        Objects.requireNonNull(file, "file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read audit file " + file + ": " + e, e);
        }
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, end)).toString();
        } catch (CharacterCodingException e) {
            throw new UncheckedIOException("Audit file " + file + " is not valid UTF-8: " + e, e);
        }
        List<AccessLogEntry> entries = new ArrayList<>();
        int lineNo = 0;
        int from = 0;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            String line = text.substring(from, nl);
            lineNo++;
            from = nl + 1;
            if (line.isBlank()) {
                continue;
            }
            try {
                entries.add(toEntry(Json.parseObject(line)));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new UncheckedIOException(file + ":" + lineNo + ": not an access-log entry: " + e.getMessage(),
                        new IOException(e));
            }
        }
        return Collections.unmodifiableList(entries);
    }

    private static AccessLogEntry toEntry(Map<String, Object> o) {
        Object timestamp = o.get("timestamp");
        Object action = o.get("action");
        Object success = o.get("success");
        if (!(timestamp instanceof String t)) {
            throw new IllegalArgumentException("\"timestamp\" must be a string");
        }
        if (!(action instanceof String a)) {
            throw new IllegalArgumentException("\"action\" must be a string");
        }
        if (!(success instanceof Boolean s)) {
            throw new IllegalArgumentException("\"success\" must be true or false");
        }
        return new AccessLogEntry(Instant.parse(t), optionalString(o, "agentId"), AccessAction.valueOf(a),
                optionalString(o, "namespace"), optionalString(o, "key"), s, optionalString(o, "error"));
    }

    private static String optionalString(Map<String, Object> o, String field) {
        Object v = o.get(field);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new IllegalArgumentException("\"" + field + "\" must be a string or null");
    }
}
