package io.sharedmemory.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class EngineSmokeTest {
    @Test
    void writeReadSubscribe() throws Exception {
        TestPlugins.ListLog log = new TestPlugins.ListLog();
        try (SharedMemory m = SharedMemory.create(SharedMemoryOptions.builder().serviceLoader(false)
                .plugin(TestPlugins.latestWins()).plugin(TestPlugins.overridesThenDefault()).plugin(log)
                .build())) {
            m.createNamespace("team", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            Subscription s = m.subscribe("team", "watcher", seen::add);
            WriteResult r = m.write("team", "status", Map.of("state", "ready"), "agent-1");
            assertEquals(WriteResult.written(1), r);
            assertEquals(Map.of("state", "ready"), m.read("team", "status", "agent-2"));
            assertTrue(m.delete("team", "status", "agent-2"));
            assertNull(m.read("team", "status", "agent-2"));
            assertTrue(s.awaitDelivery(Duration.ofSeconds(5)));
            assertEquals(List.of(ChangeAction.WRITE, ChangeAction.DELETE), seen.stream().map(ChangeEvent::action).toList());
            assertEquals(1000, log.capacity);
            assertEquals(6, log.size(), log.entries::toString);
        }
    }
}
