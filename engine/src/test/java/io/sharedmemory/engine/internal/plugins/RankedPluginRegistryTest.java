package io.sharedmemory.engine.internal.plugins;

import io.sharedmemory.engine.internal.TestPlugins;

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

    @Test
    void everyAddAndRemove_isHeard_andReplacesTheSnapshot() {
        AtomicInteger changes = new AtomicInteger();
        registry.onChange(changes::incrementAndGet);
        registry.onChange(changes::incrementAndGet);
        ConflictStrategy s = TestPlugins.latestWins();
        PermissionProvider p = TestPlugins.overridesThenDefault();
        AuditSink a = e -> { };
        AgentAuthenticator au = c -> Optional.empty();
        PluginSet before = registry.plugins();
        assertSame(PluginSet.EMPTY, before);
        registry.addStrategy(s, "s", 0, 1, "x");
        registry.addPermissionProvider(p, 0, 2, "x");
        registry.addAuditSink(a, 0, 3, "x");
        registry.addAuthenticator(au, 0, 4, "x");
        assertEquals(8, changes.get(), "both listeners, every change");
        PluginSet full = registry.plugins();
        assertSame(s, full.strategies().get("s"));
        assertSame(p, full.permissionProvider());
        assertEquals(List.of(a), full.sinks());
        assertSame(au, full.authenticator());
        registry.removeStrategy(s);
        registry.removePermissionProvider(p);
        registry.removeAuditSink(a);
        registry.removeAuthenticator(au);
        assertEquals(16, changes.get());
        PluginSet empty = registry.plugins();
        assertEquals(0, empty.strategies().size());
        assertEquals(0, empty.strategyOrigins().size());
        assertNull(empty.permissionProvider());
        assertEquals(0, empty.auditSinks().length);
        assertNull(empty.authenticator());
        assertSame(s, full.strategies().get("s"), "an older snapshot keeps what it had");
    }

    @Test
    void removing_takesOnlyThatInstance() {
        PermissionProvider a = TestPlugins.overridesThenDefault();
        PermissionProvider b = TestPlugins.overridesThenDefault();
        registry.addPermissionProvider(a, 5, 1, "x");
        registry.addPermissionProvider(b, 1, 2, "x");
        registry.removePermissionProvider(b);
        assertSame(a, registry.plugins().permissionProvider());
        registry.removePermissionProvider(b);
        assertSame(a, registry.plugins().permissionProvider());
        AuditSink s1 = e -> { };
        AuditSink s2 = e -> { };
        registry.addAuditSink(s1, 0, 3, "x");
        registry.addAuditSink(s2, 0, 4, "x");
        registry.removeAuditSink(s1);
        assertEquals(List.of(s2), registry.plugins().sinks());
        ConflictStrategy c1 = TestPlugins.latestWins();
        ConflictStrategy c2 = TestPlugins.firstWins();
        registry.addStrategy(c1, "one", 0, 5, "x");
        registry.addStrategy(c2, "two", 0, 6, "y");
        registry.removeStrategy(c1);
        assertEquals(java.util.Map.of("two", c2), registry.plugins().strategies());
        assertEquals(java.util.Map.of("two", "y"), registry.plugins().strategyOrigins());
    }

    @Test
    void sinksAreInRankingOrder_andTheAccessLogIsTheBestRankedLog() {
        AuditSink plain = e -> { };
        TestPlugins.ListLog low = new TestPlugins.ListLog();
        TestPlugins.ListLog high = new TestPlugins.ListLog();
        TestPlugins.ListLog tie = new TestPlugins.ListLog();
        registry.addAuditSink(low, -3, 1, "x");
        registry.addAuditSink(plain, 100, 2, "x");
        registry.addAuditSink(tie, 7, 9, "x");
        registry.addAuditSink(high, 7, 4, "x");
        assertEquals(List.of(plain, high, tie, low), registry.plugins().sinks());
        assertSame(high, registry.plugins().accessLog());
        registry.removeAuditSink(high);
        assertSame(tie, registry.plugins().accessLog());
        registry.removeAuditSink(tie);
        assertSame(low, registry.plugins().accessLog());
    }

    @Test
    void providersAndAuthenticators_followRankingThenId() {
        PermissionProvider p1 = TestPlugins.overridesThenDefault();
        PermissionProvider p2 = TestPlugins.overridesThenDefault();
        PermissionProvider p3 = TestPlugins.overridesThenDefault();
        registry.addPermissionProvider(p1, 3, 8, "x");
        registry.addPermissionProvider(p2, 3, 2, "x");
        registry.addPermissionProvider(p3, -5, 1, "x");
        assertSame(p2, registry.plugins().permissionProvider());
        registry.removePermissionProvider(p2);
        assertSame(p1, registry.plugins().permissionProvider());
        AgentAuthenticator low = c -> Optional.empty();
        AgentAuthenticator high = c -> Optional.empty();
        registry.addAuthenticator(low, -1, 1, "x");
        registry.addAuthenticator(high, 1, 2, "x");
        assertSame(high, registry.plugins().authenticator());
    }

    @Test
    void aStrategyWithoutAName_isIgnored() {
        AtomicInteger changes = new AtomicInteger();
        registry.onChange(changes::incrementAndGet);
        registry.addStrategy(TestPlugins.latestWins(), null, 0, 1, "x");
        registry.addStrategy(TestPlugins.latestWins(), "   ", 0, 2, "x");
        assertEquals(0, changes.get());
        assertEquals(0, registry.plugins().strategies().size());
        assertEquals(List.of(), registry.describe());
    }

    @Test
    void describe_listsEveryPlugin_kindByKind_bestFirst_withItsClassAndOrigin() {
        ConflictStrategy first = TestPlugins.firstWins();
        ConflictStrategy latest = TestPlugins.latestWins();
        registry.addStrategy(latest, "latest-wins", -1, 1, "bundle 3");
        registry.addStrategy(first, "first-wins", 4, 2, "bundle 4");
        PermissionProvider p = TestPlugins.overridesThenDefault();
        registry.addPermissionProvider(p, 6, 3, "bundle 5");
        TestPlugins.ListLog log = new TestPlugins.ListLog();
        registry.addAuditSink(log, 0, 4, "bundle 6");
        AgentAuthenticator au = c -> Optional.empty();
        registry.addAuthenticator(au, 2, 5, "bundle 7");
        assertEquals(List.of(
                "strategy first-wins ranking=4 " + first.getClass().getName() + " from bundle 4",
                "strategy latest-wins ranking=-1 " + latest.getClass().getName() + " from bundle 3",
                "permission-provider ranking=6 " + p.getClass().getName() + " from bundle 5",
                "audit-sink ranking=0 " + TestPlugins.ListLog.class.getName() + " from bundle 6",
                "authenticator ranking=2 " + au.getClass().getName() + " from bundle 7"), registry.describe());
    }

    @Test
    void aPluginSet_isACopy() {
        java.util.Map<String, ConflictStrategy> strategies = new java.util.HashMap<>();
        strategies.put("s", TestPlugins.latestWins());
        AuditSink[] sinks = {e -> { }};
        PluginSet set = new PluginSet(strategies, java.util.Map.of("s", "x"), null, sinks, null, null);
        strategies.clear();
        sinks[0] = null;
        assertEquals(1, set.strategies().size());
        assertTrue(set.sinks().get(0) != null);
        assertEquals(0, PluginSet.EMPTY.sinks().size());
        assertEquals(0, PluginSet.EMPTY.strategies().size());
        assertNull(PluginSet.EMPTY.accessLog());
    }
}
