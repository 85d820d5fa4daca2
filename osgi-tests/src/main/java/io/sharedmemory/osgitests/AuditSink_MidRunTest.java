package io.sharedmemory.osgitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.spi.AuditSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** An audit sink registered while the engine runs receives every entry from that point on, and only those. */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class AuditSink_MidRunTest {
    private static final String NS = "audit-it";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    SharedMemory memory;

    @Test
    void aSinkAddedMidRunStartsItsStreamThere() {
        memory.createNamespace(NS, NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        memory.write(NS, "before", 1, "auditor");

        List<AccessLogEntry> received = new CopyOnWriteArrayList<>();
        ServiceRegistration<AuditSink> reg = context.registerService(AuditSink.class, received::add, null);
        try {
            memory.write(NS, "after", 2, "auditor");
            memory.read(NS, "after", "auditor");
            memory.delete(NS, "missing", "auditor");
        } finally {
            reg.unregister();
        }
        memory.write(NS, "gone", 3, "auditor");

        List<AccessLogEntry> mine = received.stream().filter(e -> NS.equals(e.namespace())).toList();
        assertEquals(List.of(AccessAction.WRITE, AccessAction.READ, AccessAction.DELETE),
                mine.stream().map(AccessLogEntry::action).toList(), mine::toString);
        assertTrue(mine.stream().noneMatch(e -> "before".equals(e.key()) || "gone".equals(e.key())), mine::toString);
        assertTrue(mine.get(0).success() && mine.get(1).success() && !mine.get(2).success(), mine::toString);

        // every sink receives every entry: the built-in access log holds the same entries, and the ones around them
        List<AccessLogEntry> logged = memory.getAccessLog(AccessLogQuery.builder().namespace(NS).build());
        assertTrue(logged.containsAll(mine), () -> logged + " lacks some of " + mine);
        assertTrue(logged.stream().anyMatch(e -> "before".equals(e.key())), logged::toString);
        assertTrue(logged.stream().anyMatch(e -> "gone".equals(e.key())), logged::toString);
    }
}
