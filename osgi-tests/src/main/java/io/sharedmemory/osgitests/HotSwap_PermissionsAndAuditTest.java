package io.sharedmemory.osgitests;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The other two plugin bundles swapped under load: while the permissions bundle is stopped or being updated every
 * write is denied (fail closed) and none is half-done; updating the audit bundle changes nothing for writers, and the
 * new access log records from the moment it is back. Every acknowledged write is readable, exactly once.
 */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class HotSwap_PermissionsAndAuditTest {
    private static final int WRITERS = 3;
    private static final String NS = "hotswap-permissions";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    SharedMemory memory;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger denied = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    private ExecutorService pool;

    @AfterEach
    void stopWritersAndRestoreTheBundles() throws Exception {
        running.set(false);
        if (pool != null) {
            pool.shutdownNow();
            pool.awaitTermination(10, SECONDS);
        }
        for (String bsn : List.of("io.sharedmemory.permissions", "io.sharedmemory.audit")) {
            Bundle b = Bundles.bySymbolicName(context, bsn);
            if (b.getState() != Bundle.ACTIVE) {
                b.start();
            }
        }
    }

    private List<long[]> write(String writer) {
        List<long[]> acks = new ArrayList<>(); // {value, version}
        long seq = 0;
        while (running.get()) {
            seq++;
            WriteResult r = memory.write(NS, writer, seq, writer);
            switch (r.status()) {
                case WRITTEN -> {
                    acks.add(new long[] {seq, r.version()});
                    acknowledged.incrementAndGet();
                }
                case DENIED -> denied.incrementAndGet();
                default -> unexpected.add(r.toString());
            }
        }
        return acks;
    }

    private void awaitMoreAcks(int atLeast) {
        int from = acknowledged.get();
        await().atMost(30, SECONDS).until(() -> acknowledged.get() >= from + atLeast);
    }

    private static Version next(Bundle b, String qualifier) {
        Version v = b.getVersion();
        return new Version(v.getMajor(), v.getMinor(), v.getMicro() + 1, qualifier);
    }

    @Test
    void swappingThePermissionsAndAuditBundlesUnderLoadLosesNoAcknowledgedWrite() throws Exception {
        memory.createNamespace(NS, NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        Bundle permissions = Bundles.bySymbolicName(context, "io.sharedmemory.permissions");
        Bundle audit = Bundles.bySymbolicName(context, "io.sharedmemory.audit");

        pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<List<long[]>>> writers = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            String id = "swap-writer-" + i;
            writers.add(pool.submit(() -> write(id)));
        }
        awaitMoreAcks(200);

        int deniedBefore = denied.get();
        permissions.stop();
        await().atMost(30, SECONDS).until(() -> denied.get() >= deniedBefore + 50);
        permissions.start();
        awaitMoreAcks(200);

        Version permissionsNext = next(permissions, "hotswap");
        permissions.update(Bundles.withVersion(Bundles.content(permissions), permissionsNext.toString()));
        Bundles.refresh(context, permissions);
        assertEquals(permissionsNext, permissions.getVersion());
        awaitMoreAcks(200);

        Version auditNext = next(audit, "hotswap");
        audit.update(Bundles.withVersion(Bundles.content(audit), auditNext.toString()));
        Bundles.refresh(context, audit);
        assertEquals(auditNext, audit.getVersion());
        awaitMoreAcks(200);
        await().atMost(10, SECONDS).until(() -> !memory.getAccessLog(AccessLogQuery.builder().namespace(NS)
                .limit(1).build()).isEmpty());

        running.set(false);
        for (int i = 0; i < WRITERS; i++) {
            String id = "swap-writer-" + i;
            List<long[]> acks = writers.get(i).get(30, SECONDS);
            MemoryEntry e = memory.readEntry(NS, id, id).orElseThrow();
            long[] last = acks.get(acks.size() - 1);
            assertEquals(last[0], ((Number) e.value()).longValue(), id + ": the last acknowledged value");
            assertEquals(acks.size(), e.version(), id + ": one version per acknowledged write, no more");
        }
        assertTrue(unexpected.isEmpty(), () -> "writes neither written nor denied: " + unexpected);
    }
}
