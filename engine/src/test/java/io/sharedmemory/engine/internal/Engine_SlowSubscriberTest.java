package io.sharedmemory.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.engine.conformance.TestStores;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The hardening issue's slow-subscriber case through the public API, as reported: a subscriber of namespace "quiet"
 * sleeping 50 ms per event (200 events) and a trivial subscriber of "busy" receiving 20 000 writes at 5 000/s. The
 * busy one receives every write, in version order, and is never cut off.
 */
@Tag("concurrency")
class Engine_SlowSubscriberTest {
    @Test
    void aSleepingSubscriber_neitherStarvesNorCutsOffABusyOne() throws Exception {
        try (SharedMemory memory = SharedMemory.create(ProofPlugins.options(java.time.Clock.systemUTC())
                .cleanupInterval(Duration.ZERO).build())) {
            NamespaceConfig open = NamespaceConfig.builder().defaultPermission(Permission.WRITE).build();
            memory.createNamespace("quiet", open);
            memory.createNamespace("busy", open);
            Subscription quiet = memory.subscribe("quiet", "sleeper", e -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < 200; i++) {
                memory.write("quiet", "k" + i, i, "writer");
            }
            AtomicLong received = new AtomicLong();
            AtomicLong lastVersion = new AtomicLong();
            AtomicLong outOfOrder = new AtomicLong();
            AtomicLong overflows = new AtomicLong();
            Subscription busy = memory.subscribe("busy", "fast", e -> {
                if (e.action() == ChangeAction.OVERFLOW) {
                    overflows.incrementAndGet();
                    return;
                }
                if (e.version() != lastVersion.get() + 1) {
                    outOfOrder.incrementAndGet();
                }
                lastVersion.set(e.version());
                received.incrementAndGet();
            });
            long start = System.nanoTime();
            for (int sent = 0; sent < 20_000; ) {
                for (int i = 0; i < 50; i++, sent++) {
                    memory.write("busy", "counter", sent, "writer");
                }
                long wait = start + TimeUnit.MILLISECONDS.toNanos(10L * (sent / 50)) - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            assertTrue(busy.awaitDelivery(Duration.ofSeconds(30)));
            assertEquals(0, overflows.get(), "the busy subscriber was cut off");
            assertEquals(20_000, received.get());
            assertEquals(0, outOfOrder.get());
            assertTrue(busy.isActive() && quiet.isActive());
            quiet.unsubscribe();
            busy.unsubscribe();
        }
    }
}
