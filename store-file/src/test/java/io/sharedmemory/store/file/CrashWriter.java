package io.sharedmemory.store.file;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The child process of the crash tests: writes and deletes as fast as it can on a few threads, each thread with its own
 * keys and a deterministic history ({@link #op}), and acknowledges every operation on stdout once it returned, until
 * the parent kills it. Lines: {@code READY}, then {@code A <thread> <op> <version>} per acknowledged write and
 * {@code D <thread> <op> <deleted>} per acknowledged delete; {@code ERROR ...} on anything unexpected.
 *
 * <p>Also, with the mode {@code hold}: opens the store, prints {@code OPEN}, and waits to be killed (the lock test).
 */
public final class CrashWriter {
    /** Keys per thread: ops cycle over them (prime to 5, so that every key is both written and deleted). */
    static final int KEYS = 49;

    private CrashWriter() {
    }

    /** What op {@code i} of a thread does: every fifth deletes its key, the others write it. */
    static boolean isDelete(int i) {
        return i % 5 == 4;
    }

    static String key(int thread, int i) {
        return "t" + thread + "-k" + i % KEYS;
    }

    static Map<String, Object> value(int thread, int i) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("t", thread);
        v.put("i", i);
        v.put("pad", "x".repeat(i % 40));
        return v;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String mode = args[1];
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
        if (mode.equals("hold")) {
            FileStore store = FileStore.open(dir);
            SharedMemory m = SharedMemory.create(SharedMemoryOptions.builder().store(store).build());
            out.println("OPEN " + ProcessHandle.current().pid());
            out.flush();
            Thread.sleep(Long.MAX_VALUE);
            m.destroy();
            return;
        }
        Durability durability = Durability.valueOf(mode);
        int threads = Integer.parseInt(args[2]);
        // small segments and snapshots, so that kills land in rollovers and snapshots too
        FileStore store = FileStore.builder(dir).durability(durability).segmentSize(128 << 10)
                .snapshotAfterBytes(256 << 10).syncInterval(java.time.Duration.ofMillis(50)).build();
        SharedMemory m = SharedMemory.create(SharedMemoryOptions.builder().store(store).build());
        if (m.getNamespaceConfig("crash").isEmpty()) {
            m.createNamespace("crash", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        }
        out.println("READY");
        out.flush();
        Thread[] writers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int thread = t;
            writers[t] = new Thread(() -> {
                try {
                    for (int i = 0; ; i++) {
                        String key = key(thread, i);
                        String line;
                        if (isDelete(i)) {
                            boolean deleted = m.delete("crash", key, "w" + thread);
                            line = "D " + thread + " " + i + " " + deleted;
                        } else {
                            WriteResult r = m.write("crash", key, value(thread, i), "w" + thread);
                            if (!r.isWritten()) {
                                line = "ERROR " + thread + " " + i + " " + r;
                            } else {
                                line = "A " + thread + " " + i + " " + r.version();
                            }
                        }
                        synchronized (out) {
                            out.println(line);
                            out.flush();
                        }
                        if (line.startsWith("ERROR")) {
                            return;
                        }
                    }
                } catch (RuntimeException e) {
                    synchronized (out) {
                        out.println("ERROR " + e);
                        out.flush();
                    }
                }
            });
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
    }
}
