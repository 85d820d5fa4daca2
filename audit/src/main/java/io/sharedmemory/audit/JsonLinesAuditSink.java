package io.sharedmemory.audit;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
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
import java.util.concurrent.locks.ReentrantLock;

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
 * (it survives a power loss). Concurrent callers share writes (and forces): one caller writes every line queued so far
 * in a single system call, so throughput grows with concurrency while each caller still returns only once its own line
 * is written. An entry {@code record} returned for is never lost; one for which it threw was not written.
 *
 * <h2>Restarts and failures</h2>
 * {@link #open} appends to an existing file. A line torn by a crash in the middle of a write (a last line without its
 * newline) is cut off when the file is reopened, so the file always consists of whole lines; {@link #readAll} ignores
 * such a tail too. The file is locked while open, so a second sink (in this or another process) cannot interleave lines
 * with this one. If a write fails (disk full, device gone), the sink stops: that and every later {@code record} throws
 * {@link UncheckedIOException}; open a new sink once the cause is fixed.
 *
 * <p>Thread-safe. {@link #close()} writes what is queued, forces it to the device and releases the file.
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

    private static final System.Logger LOG = System.getLogger(JsonLinesAuditSink.class.getName());

    private final Path file;
    private final Durability durability;
    private final FileChannel channel;
    private final FileLock fileLock;

    // Lines wait in `pending` (ticket = their position in the total order) until a holder of `writeLock` writes the
    // whole batch; a caller returns once `written` has reached its ticket. Lock order: writeLock, then queueLock.
    private final Object queueLock = new Object();
    private List<byte[]> pending = new ArrayList<>();
    private long enqueued;
    private boolean closed;

    private final ReentrantLock writeLock = new ReentrantLock();
    private long written;
    private long size;
    private IOException failure;

    private JsonLinesAuditSink(Path file, Durability durability, FileChannel channel, FileLock fileLock, long size) {
        this.file = file;
        this.durability = durability;
        this.channel = channel;
        this.fileLock = fileLock;
        this.size = size;
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
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(durability, "durability");
        Path path = file.toAbsolutePath().normalize();
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException("Cannot open audit file " + path + ": it is a directory");
        }
        FileChannel channel = null;
        try {
            Path parent = path.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
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
            JsonLinesAuditSink sink = new JsonLinesAuditSink(path, durability, channel, lock, size);
            channel = null;
            return sink;
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
        return durability;
    }

    /** @return whether the sink accepts entries: not closed and no write has failed */
    public boolean isOpen() {
        writeLock.lock();
        try {
            return failure == null && channel.isOpen() && !isClosed();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Appends the entry as one line and returns once it is durable as {@link #durability()} says.
     *
     * @param entry the entry; not null
     * @throws IllegalStateException when the sink is closed
     * @throws UncheckedIOException when the line could not be written (this or an earlier write failed)
     */
    @Override
    public void record(AccessLogEntry entry) {
        Objects.requireNonNull(entry, "entry");
        byte[] line = line(entry);
        long ticket;
        synchronized (queueLock) {
            if (closed) {
                throw new IllegalStateException("Audit file " + file + " is closed");
            }
            pending.add(line);
            ticket = ++enqueued;
        }
        writeLock.lock();
        try {
            if (written >= ticket) {
                return;
            }
            writePending();
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
            IOException last = null;
            try {
                if (failure == null) {
                    writePending();
                    channel.force(false);
                }
            } catch (UncheckedIOException e) {
                last = e.getCause();
            } catch (IOException e) {
                last = e;
            }
            try {
                fileLock.release();
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
        return "JsonLinesAuditSink[" + file + ", " + durability + "]";
    }

    private boolean isClosed() {
        synchronized (queueLock) {
            return closed;
        }
    }

    /** Called with writeLock held: writes (and forces) everything queued, or fails the sink. */
    private void writePending() {
        if (failure != null) {
            throw new UncheckedIOException("Audit file " + file + " failed earlier; the entry was not written: "
                    + failure, failure);
        }
        List<byte[]> batch;
        long upTo;
        synchronized (queueLock) {
            batch = pending;
            upTo = enqueued;
            pending = new ArrayList<>();
        }
        if (batch.isEmpty()) {
            return;
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
            written = upTo;
        } catch (IOException e) {
            failure = e;
            // leave whole lines only: a later reader, or a reopen, must not see half of this batch as a line
            try {
                channel.truncate(size);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            LOG.log(System.Logger.Level.ERROR, "Audit file " + file + " failed; it accepts no more entries", e);
            throw new UncheckedIOException("Audit file " + file + " failed; the entry was not written: " + e, e);
        }
    }

    private static byte[] concat(List<byte[]> lines) {
        if (lines.size() == 1) {
            return lines.get(0);
        }
        int total = 0;
        for (byte[] l : lines) {
            total += l.length;
        }
        byte[] all = new byte[total];
        int at = 0;
        for (byte[] l : lines) {
            System.arraycopy(l, 0, all, at, l.length);
            at += l.length;
        }
        return all;
    }

    /** A new file's name lives in its directory: without this a power loss could lose the whole file. */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
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
