package io.sharedmemory.store.file.internal.osgi;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.StoreCapability;
import io.sharedmemory.store.StoreContext;
import io.sharedmemory.store.file.Durability;
import io.sharedmemory.store.file.FileStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The file store as a {@code MemoryStore} service named {@value FileStore#NAME}, for the engine to use when its
 * configuration says {@code store=file}. Configured under the PID {@value #PID}; a changed configuration makes a new
 * store (the engine moves to it). The engine opens and closes the store; deactivation closes it too (idempotent), so
 * the directory is always released.
 */
@Component(service = MemoryStore.class, configurationPid = FileStoreComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = MemoryStore.NAME_PROPERTY + "=" + FileStore.NAME)
@Designate(ocd = FileStoreComponent.Config.class)
public final class FileStoreComponent implements MemoryStore {
    /** The configuration PID. */
    public static final String PID = "io.sharedmemory.store.file";
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.store.file");

    @ObjectClassDefinition(name = "sharedmemory file store",
            description = "The durable store: namespaces and entries in a directory, kept across restarts and "
                    + "crashes. Used by the engine when its store setting is file.")
    @interface Config {
        @AttributeDefinition(name = "Directory", description = "Where the store keeps its log and snapshots; "
                + "created if missing; relative to the working directory. Delete it (with the platform stopped) to "
                + "start empty.")
        String directory() default "data";

        @AttributeDefinition(name = "Durability", description = "BATCHED: a change is acknowledged once the operating "
                + "system has it, and forced to disk every sync interval (a crash of the process loses nothing, a "
                + "power loss at most one interval). SYNC: a change is acknowledged once it is forced to disk "
                + "(concurrent writers share a force).",
                options = {@Option(label = "BATCHED", value = "BATCHED"), @Option(label = "SYNC", value = "SYNC")})
        String durability() default "BATCHED";

        @AttributeDefinition(name = "Sync interval (ms)", description = "How often BATCHED forces the log to disk, "
                + "in milliseconds: what a power loss may take. 1 to 3600000.", min = "1", max = "3600000")
        long syncIntervalMillis() default 1000;
    }

    private final FileStore store;

    @Activate
    public FileStoreComponent(Config config) {
        this.store = FileStore.builder(Path.of(config.directory().strip()))
                .durability(durability(config.durability()))
                .syncInterval(Duration.ofMillis(config.syncIntervalMillis()))
                .build();
        LOG.log(System.Logger.Level.INFO, "sharedmemory: file store in " + store.directory() + ", "
                + store.durability() + (store.durability() == Durability.BATCHED ? " (forced every "
                + store.syncInterval().toMillis() + " ms)" : ""));
    }

    static Durability durability(String value) {
        String v = value == null ? "" : value.strip().toUpperCase(Locale.ROOT);
        try {
            return Durability.valueOf(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("durability: \"" + value + "\" is not BATCHED or SYNC", e);
        }
    }

    @Deactivate
    void deactivate() {
        store.close();
    }

    /** @return the store behind the service */
    FileStore store() {
        return store;
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public Set<StoreCapability> capabilities() {
        return store.capabilities();
    }

    @Override
    public Map<String, NamespaceConfig> open(StoreContext context) {
        return store.open(context);
    }

    @Override
    public boolean addNamespace(String name, NamespaceConfig config) {
        return store.addNamespace(name, config);
    }

    @Override
    public void saveNamespace(String name, NamespaceConfig config) {
        store.saveNamespace(name, config);
    }

    @Override
    public void dropNamespace(String name) {
        store.dropNamespace(name);
    }

    @Override
    public EntryTable entries(String name) {
        return store.entries(name);
    }

    @Override
    public Map<String, String> describe() {
        return store.describe();
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return store.toString();
    }
}
