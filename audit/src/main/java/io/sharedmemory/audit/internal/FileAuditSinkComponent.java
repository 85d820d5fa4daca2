package io.sharedmemory.audit.internal;

import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.audit.JsonLinesAuditSink;
import io.sharedmemory.audit.JsonLinesAuditSink.Durability;
import io.sharedmemory.spi.AuditSink;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@link JsonLinesAuditSink} as an {@link AuditSink} service, configured under the PID {@value #PID}. Without a
 * configuration it writes {@code audit/access.jsonl} under the working directory; a changed path reopens the file
 * without losing an entry (another file is opened before the old one is closed, so a path that cannot be opened leaves
 * the old file in use); a changed fsync setting applies to the open file without reopening it; deactivation closes it.
 *
 * <p>Failures are visible and temporary. A configuration that cannot be applied (a path that cannot be opened, a bad
 * value, an unknown property such as a misspelt {@code fsnyc}) is logged in one line and does not fail the component:
 * a component that failed its activation is never bound by the engine, even after its configuration is fixed. Without
 * an open file every {@link #record} throws, so the engine counts and logs each lost entry, and the component tries to
 * open the configured file again, at most once a second, so a directory created or a disk mounted later is used
 * without a change of configuration. A write that fails once the file is open is retried the same way by the sink
 * itself.
 */
@Component(service = AuditSink.class, configurationPid = FileAuditSinkComponent.PID,
        property = "service.ranking:Integer=0")
@Designate(ocd = FileAuditSinkComponent.Config.class)
public final class FileAuditSinkComponent implements AuditSink {
    /** The configuration PID. */
    public static final String PID = "io.sharedmemory.audit.file";

    @ObjectClassDefinition(id = PID, name = "sharedmemory file audit sink",
            description = "Appends every access-log entry of the shared memory to a JSON-lines file, one object per "
                    + "line, durably.")
    @interface Config {
        @AttributeDefinition(name = "File", description = "The audit file. A relative path is resolved against the "
                + "working directory of the framework; missing parent directories are created. An existing file is "
                + "appended to.")
        String path() default DEFAULT_PATH;

        @AttributeDefinition(name = "Force to disk", description = "When true, each entry is forced to the storage "
                + "device (fsync) before the operation completes, so it survives a power loss; much slower. When "
                + "false, each entry is written to the operating system before the operation completes, so it "
                + "survives a crash of the JVM.")
        boolean fsync() default false;
    }

    static final String DEFAULT_PATH = "audit/access.jsonl";
    /** How often a file that could not be opened is tried again. */
    static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Set<String> KNOWN = Set.of("path", "fsync");
    /** Properties that Config Admin, DS, FileInstall or Karaf add to every configuration. */
    private static final List<String> FRAMEWORK_PREFIXES = List.of("service.", "component.", "felix.", "osgi.",
            "org.apache.", "karaf.", ".");
    private static final System.Logger LOG = System.getLogger(FileAuditSinkComponent.class.getName());

    // record() holds the read lock, a reconfiguration the write lock: no entry meets a half-swapped sink
    private final ReadWriteLock swap = new ReentrantReadWriteLock();
    private final LongSupplier nanoTime;
    private JsonLinesAuditSink sink;
    /** What the configuration asks for; opened again, when there is no sink, at the first record after retryAt. */
    private Path wantedPath;
    private Durability wantedDurability;
    private volatile long retryAtNanos;

    /** Creates the component; {@link #update} opens the file. */
    public FileAuditSinkComponent() {
        this(System::nanoTime);
    }

    FileAuditSinkComponent(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    @Activate
    @Modified
    void update(Map<String, Object> properties) {
        Path path;
        Durability durability;
        try {
            Map<String, Object> p = known(properties);
            Object pathValue = p.get("path");
            path = Path.of(pathValue == null ? DEFAULT_PATH : pathValue.toString().strip());
            durability = fsync(p.get("fsync")) ? Durability.POWER_LOSS : Durability.PROCESS_CRASH;
        } catch (RuntimeException e) {
            notApplied(e);
            return;
        }
        try {
            open(path, durability);
        } catch (RuntimeException e) {
            notApplied(e);
        }
    }

    private void notApplied(RuntimeException e) {
        JsonLinesAuditSink current;
        swap.readLock().lock();
        try {
            current = sink;
        } finally {
            swap.readLock().unlock();
        }
        LOG.log(System.Logger.Level.ERROR, "sharedmemory: configuration " + PID + " not applied: " + e.getMessage()
                + "; " + (current != null ? "still writing " + current.file()
                        : "no audit file is written until it can be opened (tried again every second)"));
    }

    private static Map<String, Object> known(Map<String, Object> properties) {
        Map<String, Object> p = new HashMap<>();
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            String key = e.getKey();
            // a file saved with a UTF-8 byte-order mark puts it before the first key
            key = key.startsWith("\uFEFF") ? key.substring(1)
                    : key.startsWith("\u00EF\u00BB\u00BF") ? key.substring(3) : key;
            if (!KNOWN.contains(key) && FRAMEWORK_PREFIXES.stream().noneMatch(key::startsWith)) {
                throw new IllegalArgumentException("unknown property \"" + key + "\" (known: fsync, path)");
            }
            p.put(key, e.getValue());
        }
        return p;
    }

    private static boolean fsync(Object v) {
        if (v == null || v instanceof Boolean) {
            return Boolean.TRUE.equals(v);
        }
        String t = v.toString().strip();
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(t);
        }
        throw new IllegalArgumentException("fsync: \"" + v + "\" is not true or false");
    }

    private void open(Path path, Durability durability) {
        swap.writeLock().lock();
        try {
            wantedPath = path;
            wantedDurability = durability;
            JsonLinesAuditSink old = sink;
            if (old != null && old.file().equals(path.toAbsolutePath().normalize())) {
                // the same file: keep it open (a reopen that failed would lose the file in use)
                old.durability(durability);
                return;
            }
            // another file: open it first, so a bad path leaves the old file in use and the error visible
            retryAtNanos = nanoTime.getAsLong() + RETRY_NANOS;
            sink = JsonLinesAuditSink.open(path, durability);
            if (old != null) {
                closeQuietly(old);
            }
        } finally {
            swap.writeLock().unlock();
        }
    }

    @Deactivate
    void deactivate() {
        swap.writeLock().lock();
        try {
            wantedPath = null;
            if (sink != null) {
                closeQuietly(sink);
                sink = null;
            }
        } finally {
            swap.writeLock().unlock();
        }
    }

    @Override
    public void record(AccessLogEntry entry) {
        swap.readLock().lock();
        try {
            if (sink != null) {
                sink.record(entry);
                return;
            }
        } finally {
            swap.readLock().unlock();
        }
        if (nanoTime.getAsLong() - retryAtNanos >= 0) {
            retryOpen();
        }
        swap.readLock().lock();
        try {
            if (sink == null) {
                throw new IllegalStateException("The file audit sink has no open file (see the log for why)");
            }
            sink.record(entry);
        } finally {
            swap.readLock().unlock();
        }
    }

    /** Opens the configured file again, the cause of the failure may be gone (a directory created, a disk mounted). */
    private void retryOpen() {
        swap.writeLock().lock();
        try {
            if (sink != null || wantedPath == null || nanoTime.getAsLong() - retryAtNanos < 0) {
                return;
            }
            retryAtNanos = nanoTime.getAsLong() + RETRY_NANOS;
            try {
                sink = JsonLinesAuditSink.open(wantedPath, wantedDurability);
                LOG.log(System.Logger.Level.WARNING, "sharedmemory: audit file " + sink.file() + " opened at last");
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "audit file " + wantedPath + " still cannot be opened: "
                        + e.getMessage());
            }
        } finally {
            swap.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        swap.readLock().lock();
        try {
            return "FileAuditSinkComponent[" + sink + "]";
        } finally {
            swap.readLock().unlock();
        }
    }

    private static void closeQuietly(JsonLinesAuditSink s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "Closing audit file " + s.file()
                    + " failed; entries recorded before may not be on disk", e);
        }
    }
}
