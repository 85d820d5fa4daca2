package io.sharedmemory.store.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.SharedMemoryOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory: made when missing; refused, naming the path, when it cannot be made or written or is held by
 * another store (in another process: a file lock; in this one); released when the memory is destroyed, so that it can
 * be opened again. Making a FileStore touches nothing.
 */
class FileStore_DirectoryTest {
    @TempDir
    Path dir;

    private static SharedMemory create(FileStore store) {
        return SharedMemory.create(SharedMemoryOptions.builder().store(store).build());
    }

    @Test
    void makingAStore_touchesNothing_andOpeningItMakesTheDirectory() {
        Path where = dir.resolve("a/b/c");
        FileStore store = FileStore.open(where);
        assertFalse(Files.exists(where), "nothing until a memory opens it");
        assertEquals(where.toAbsolutePath(), store.directory());
        assertEquals(Durability.BATCHED, store.durability());
        assertEquals("closed", store.describe().get("state"));
        SharedMemory m = create(store);
        try {
            assertTrue(Files.isDirectory(where));
            assertTrue(Files.exists(where.resolve("LOCK")));
            assertEquals("file", m.getStats().store().get("store"));
            assertEquals(where.toAbsolutePath().toString(), m.getStats().store().get("directory"));
            assertTrue(m.getStats().store().get("durability").startsWith("BATCHED"));
            assertEquals("none yet", m.getStats().store().get("last snapshot"));
        } finally {
            m.destroy();
        }
    }

    @Test
    void aDirectoryThatCannotBeMade_refusesTheMemory_namingThePath() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        SharedMemoryException e = assertThrows(SharedMemoryException.class,
                () -> create(FileStore.open(file.resolve("store"))));
        assertTrue(e.getMessage().contains(file.resolve("store").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("The store \"file\" could not be opened"), e.getMessage());
        SharedMemoryException notADir = assertThrows(SharedMemoryException.class, () -> create(FileStore.open(file)));
        assertTrue(notADir.getMessage().contains(file + " exists and is not a directory"), notADir.getMessage());
    }

    @Test
    void aDirectoryThatCannotBeWritten_refusesTheMemory_namingThePath() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        // root writes into any directory whatever its permissions; /proc/self refuses new files to root too
        Path readOnly = root ? Path.of("/proc/self") : Files.createDirectory(dir.resolve("read-only"));
        assumeTrue(Files.isDirectory(readOnly), "needs a directory that refuses new files: " + readOnly);
        if (!root) {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        try {
            SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> create(FileStore.open(readOnly)));
            assertTrue(e.getMessage().contains("Cannot write in the file store's directory " + readOnly),
                    e.getMessage());
        } finally {
            if (!root) {
                Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    @Test
    void aDirectoryOpenInThisProcess_isRefused_andFreeAgainOnceTheMemoryIsDestroyed() {
        Path where = dir.resolve("twice");
        SharedMemory first = create(FileStore.open(where));
        first.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        assertTrue(first.write("ns", "k", "v", "a").isWritten());
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> create(FileStore.open(where)));
        assertTrue(e.getMessage().contains(where + " is already open in this process"), e.getMessage());
        assertEquals("v", first.read("ns", "k", "a"), "the first memory is not disturbed");
        first.destroy();
        SharedMemory second = create(FileStore.open(where));
        try {
            assertEquals("v", second.read("ns", "k", "a"));
        } finally {
            second.destroy();
        }
    }

    @Test
    void aStoreIsOpenedOnce_andMayBeOpenedAgainOnceClosed() {
        FileStore store = FileStore.open(dir.resolve("again"));
        SharedMemory m = create(store);
        m.createNamespace("ns");
        SharedMemoryException twice = assertThrows(SharedMemoryException.class, () -> create(store));
        assertTrue(twice.getMessage().contains("open already"), twice.getMessage());
        m.destroy();
        SharedMemory again = create(store);
        try {
            assertEquals(java.util.List.of("ns"), again.getNamespaces());
        } finally {
            again.destroy();
        }
    }

    @Test
    void aDirectoryOpenInAnotherProcess_isRefused_namingThePathAndTheProcess() throws Exception {
        Path where = dir.resolve("held");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-Xmx128m", "-cp", TestClassPath.get(), CrashWriter.class.getName(),
                where.toString(), "hold").redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("OPEN "), "the other process did not open the store: " + line);
            String pid = line.substring(5);
            SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> create(FileStore.open(where)));
            assertTrue(e.getMessage().contains(where + " is already open in another process (process " + pid + ")"),
                    e.getMessage());
            holder.toHandle().destroyForcibly();
            assertTrue(holder.waitFor(60, TimeUnit.SECONDS));
        } finally {
            holder.destroyForcibly();
        }
        SharedMemory mine = create(FileStore.open(where));
        mine.destroy();
    }
}
