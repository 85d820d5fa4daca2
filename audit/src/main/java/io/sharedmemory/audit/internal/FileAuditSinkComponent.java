package io.sharedmemory.audit.internal;

import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.audit.JsonLinesAuditSink;
import io.sharedmemory.audit.JsonLinesAuditSink.Durability;
import io.sharedmemory.spi.AuditSink;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@link JsonLinesAuditSink} as an {@link AuditSink} service, configured under the PID {@value #PID}. Without a
 * configuration it writes {@code audit/access.jsonl} under the working directory; a changed path or fsync setting
 * reopens the file without losing an entry, and deactivation closes it.
 *
 * <p>A file that cannot be opened is logged in one line and does not fail the component: a component that failed its
 * activation is never bound by the engine, even after its configuration is fixed. Without an open file every
 * {@link #record} throws, so the engine counts and logs each lost entry (fail visible) until a usable path is
 * configured.
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
        String path() default "audit/access.jsonl";

        @AttributeDefinition(name = "Force to disk", description = "When true, each entry is forced to the storage "
                + "device (fsync) before the operation completes, so it survives a power loss; much slower. When "
                + "false, each entry is written to the operating system before the operation completes, so it "
                + "survives a crash of the JVM.")
        boolean fsync() default false;
    }

    // record() holds the read lock, a reconfiguration the write lock: no entry meets a half-swapped sink
    private final ReadWriteLock swap = new ReentrantReadWriteLock();
    private JsonLinesAuditSink sink;

    /** Creates the component; {@link #update} opens the file. */
    public FileAuditSinkComponent() {
    }

    @Activate
    @Modified
    void update(Config config) {
        try {
            open(config);
        } catch (RuntimeException e) {
            JsonLinesAuditSink current = sink;
            System.getLogger(FileAuditSinkComponent.class.getName()).log(System.Logger.Level.ERROR,
                    "sharedmemory: configuration " + PID + " not applied: " + e.getMessage() + "; "
                            + (current != null ? "still writing " + current.file()
                                    : "no audit file is written until it is fixed"));
        }
    }

    private void open(Config config) {
        Path path = Path.of(config.path().strip());
        Durability durability = config.fsync() ? Durability.POWER_LOSS : Durability.PROCESS_CRASH;
        swap.writeLock().lock();
        try {
            JsonLinesAuditSink old = sink;
            if (old != null && old.isOpen() && old.file().equals(path.toAbsolutePath().normalize())
                    && old.durability() == durability) {
                return;
            }
            if (old != null && old.file().equals(path.toAbsolutePath().normalize())) {
                // the same file: it is locked by the old sink, which must let go first
                sink = null;
                closeQuietly(old);
                sink = JsonLinesAuditSink.open(path, durability);
            } else {
                // another file: open it first, so a bad path leaves the old file in use and the error visible
                sink = JsonLinesAuditSink.open(path, durability);
                if (old != null) {
                    closeQuietly(old);
                }
            }
        } finally {
            swap.writeLock().unlock();
        }
    }

    @Deactivate
    void deactivate() {
        swap.writeLock().lock();
        try {
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
            if (sink == null) {
                throw new IllegalStateException("The file audit sink has no open file (see the log for why)");
            }
            sink.record(entry);
        } finally {
            swap.readLock().unlock();
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
            System.getLogger(FileAuditSinkComponent.class.getName()).log(System.Logger.Level.ERROR,
                    "Closing audit file " + s.file() + " failed; entries recorded before may not be on disk", e);
        }
    }
}
