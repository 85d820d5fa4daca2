package io.sharedmemory.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.spi.AccessLog;
import io.sharedmemory.spi.AgentAuthenticator;
import io.sharedmemory.spi.AuditSink;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Ranking and tie-breaks of the plugin registry: highest ranking wins, equal rankings go to the lowest id. */
class RankedPluginRegistryTest {
    private final RankedPluginRegistry registry = new RankedPluginRegistry();

    @Test
    void highestRankingWinsPerNameAndTiesGoToTheLowestId() {
        ConflictStrategy low = TestPlugins.latestWins();
        ConflictStrategy high = TestPlugins.latestWins();
        ConflictStrategy tieLater = TestPlugins.latestWins();
        registry.addStrategy(low, "s", 0, 1, "a");
        registry.addStrategy(tieLater, "s", 5, 9, "b");
        registry.addStrategy(high, "s", 5, 3, "c");
        assertSame(high, registry.plugins().strategies().get("s"));
        assertEquals("c", registry.plugins().strategyOrigins().get("s"));
        registry.removeStrategy(high);
        assertSame(tieLater, registry.plugins().strategies().get("s"));
        registry.removeStrategy(tieLater);
        assertSame(low, registry.plugins().strategies().get("s"));
        registry.removeStrategy(low);
        assertNull(registry.plugins().strategies().get("s"));
    }

    @Test
    void oneProviderAndOneAuthenticatorWinEverySinkReceives() {
        PermissionProvider a = TestPlugins.overridesThenDefault();
        PermissionProvider b = TestPlugins.overridesThenDefault();
        registry.addPermissionProvider(a, -1, 1, "x");
        registry.addPermissionProvider(b, 0, 2, "x");
        assertSame(b, registry.plugins().permissionProvider());
        AgentAuthenticator first = c -> Optional.empty();
        AgentAuthenticator second = c -> Optional.empty();
        registry.addAuthenticator(first, 0, 3, "x");
        registry.addAuthenticator(second, 0, 4, "x");
        assertSame(first, registry.plugins().authenticator());
        registry.removeAuthenticator(first);
        assertSame(second, registry.plugins().authenticator());
        AuditSink plain = e -> { };
        TestPlugins.ListLog log = new TestPlugins.ListLog();
        registry.addAuditSink(plain, 10, 5, "x");
        registry.addAuditSink(log, 0, 6, "x");
        assertEquals(List.of(plain, log), registry.plugins().sinks());
        AccessLog chosen = registry.plugins().accessLog();
        assertSame(log, chosen);
        registry.removeAuditSink(log);
        assertNull(registry.plugins().accessLog());
        assertEquals(1, registry.plugins().auditSinks().length);
    }

    @Test
    void listenersHearEveryChangeAndDescribeNamesEveryPlugin() {
        AtomicInteger changes = new AtomicInteger();
        registry.onChange(changes::incrementAndGet);
        registry.addStrategy(TestPlugins.firstWins(), "first-wins", 2, 1, "bundle 7");
        registry.addPermissionProvider(TestPlugins.overridesThenDefault(), 1, 2, "bundle 8");
        registry.addAuditSink(new TestPlugins.ListLog(), 0, 3, "bundle 9");
        registry.addAuthenticator(c -> Optional.empty(), 0, 4, "bundle 10");
        registry.addStrategy(TestPlugins.latestWins(), "", 0, 5, "bundle 11");
        assertEquals(4, changes.get(), "a nameless strategy is ignored and changes nothing");
        List<String> lines = registry.describe();
        assertEquals(4, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("strategy first-wins ranking=2 ") && lines.get(0).endsWith("from bundle 7"),
                lines.get(0));
        assertTrue(lines.get(1).startsWith("permission-provider ranking=1 "), lines.get(1));
        assertTrue(lines.get(2).startsWith("audit-sink ranking=0 ") && lines.get(2).endsWith("bundle 9"), lines.get(2));
        assertTrue(lines.get(3).startsWith("authenticator ranking=0 "), lines.get(3));
    }

    @Test
    void aSnapshotDoesNotChangeAfterwards() {
        AuditSink sink = (AccessLogEntry e) -> { };
        registry.addAuditSink(sink, 0, 1, "x");
        PluginSet before = registry.plugins();
        registry.removeAuditSink(sink);
        assertEquals(1, before.auditSinks().length);
        assertEquals(0, registry.plugins().auditSinks().length);
    }
}
