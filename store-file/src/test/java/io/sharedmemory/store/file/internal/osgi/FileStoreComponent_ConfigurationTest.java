package io.sharedmemory.store.file.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.engine.conformance.TestStoreContext;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.StoreCapability;
import io.sharedmemory.store.file.Durability;
import io.sharedmemory.store.file.FileStore;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DS component, built as SCR builds it: its configuration becomes the store, and deactivation closes it. */
class FileStoreComponent_ConfigurationTest {
    @TempDir
    Path dir;

    private static FileStoreComponent.Config config(String directory, String durability, long interval) {
        return new FileStoreComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return FileStoreComponent.Config.class;
            }

            @Override
            public String directory() {
                return directory;
            }

            @Override
            public String durability() {
                return durability;
            }

            @Override
            public long syncIntervalMillis() {
                return interval;
            }
        };
    }

    @Test
    void theConfiguration_makesTheStore() {
        FileStoreComponent c = new FileStoreComponent(config(dir.resolve("data") + " ", " sync", 250));
        FileStore store = c.store();
        assertEquals(dir.resolve("data").toAbsolutePath(), store.directory());
        assertEquals(Durability.SYNC, store.durability());
        assertEquals(Duration.ofMillis(250), store.syncInterval());
        assertEquals("file", c.name());
        assertEquals(Set.of(StoreCapability.DURABLE, StoreCapability.LOCAL_STEP), c.capabilities());
    }

    @Test
    void aBadValue_isRefused_namingTheProperty() {
        IllegalArgumentException durability = assertThrows(IllegalArgumentException.class,
                () -> new FileStoreComponent(config("data", "sometimes", 1000)));
        assertTrue(durability.getMessage().startsWith("durability: \"sometimes\" is not BATCHED or SYNC"),
                durability.getMessage());
        IllegalArgumentException interval = assertThrows(IllegalArgumentException.class,
                () -> new FileStoreComponent(config("data", "BATCHED", 0)));
        assertTrue(interval.getMessage().contains("syncInterval"), interval.getMessage());
    }

    @Test
    void theServiceIsTheStore_andDeactivationReleasesTheDirectory() {
        Path data = dir.resolve("data");
        FileStoreComponent c = new FileStoreComponent(config(data.toString(), "BATCHED", 1000));
        MemoryStore service = c;
        assertEquals(Map.of(), service.open(new TestStoreContext()));
        assertTrue(service.addNamespace("ns", NamespaceConfig.defaults()));
        assertEquals("accepting writes", service.describe().get("state"));
        c.deactivate();
        assertEquals("closed", service.describe().get("state"));
        FileStore other = FileStore.open(data);
        assertEquals(Set.of("ns"), other.open(new TestStoreContext()).keySet(), "the directory was released");
        other.close();
    }
}
