package io.sharedmemory.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.engine.conformance.TestStores;
import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The revocation race of the hardening issue (A3): while admin a revokes b's ADMIN, b clears the namespace, re-grants
 * itself ADMIN or deletes the namespace. Once the revoke has returned true, none of b's operations may take effect:
 * they are checked under the namespace's exclusive gate, where the revoke is in force.
 */
@Tag("concurrency")
class Engine_AdminRevocationTest {
    private static final int ROUNDS = Integer.getInteger("sharedmemory.proof.revokeRounds", 400);
    private final RankedPluginRegistry registry = new RankedPluginRegistry();
    private Engine engine;

    @BeforeEach
    void start() {
        registry.addStrategy(TestPlugins.latestWins(), NamespaceConfig.LATEST_WINS, 0, 1, "test");
        registry.addPermissionProvider(TestPlugins.overridesThenDefault(), 0, 2, "test");
        engine = new Engine(TestStores.options().cleanupInterval(Duration.ZERO).build(), registry, null);
    }

    @AfterEach
    void stop() {
        engine.destroy();
    }

    /** Runs b's action against a's revoke, round after round; returns how often b acted after the revoke returned. */
    private int race(Consumer<String> asB, java.util.function.Predicate<String> actedAfterRevoke) throws Exception {
        int late = 0;
        CyclicBarrier go = new CyclicBarrier(2);
        for (int i = 0; i < ROUNDS; i++) {
            String ns = "ns" + i;
            engine.createNamespace(ns, NamespaceConfig.builder().defaultPermission(Permission.READ)
                    .permission("a", Permission.ADMIN).permission("b", Permission.ADMIN).build());
            engine.write(ns, "before", 1, "a");
            Thread b = new Thread(() -> {
                try {
                    go.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                asB.accept(ns);
            });
            b.start();
            go.await();
            boolean revoked = engine.updatePermissions(ns, Map.of("b", Permission.READ), "a");
            if (revoked) {
                engine.write(ns, "after", 1, "a"); // a marker b's late action would disturb
            }
            b.join();
            if (revoked && actedAfterRevoke.test(ns)) {
                late++;
            }
        }
        return late;
    }

    @Test
    void aRevokedAdmin_cannotClear_afterTheRevokeReturned() throws Exception {
        assertEquals(0, race(ns -> engine.clearNamespace(ns, "b"),
                ns -> engine.read(ns, "after", "a") == null));
    }

    @Test
    void aRevokedAdmin_cannotGrantItselfAdminAgain_afterTheRevokeReturned() throws Exception {
        assertEquals(0, race(ns -> engine.updatePermissions(ns, Map.of("b", Permission.ADMIN), "b"),
                ns -> engine.permission(ns, "b") == Permission.ADMIN));
    }

    @Test
    void aRevokedAdmin_cannotDeleteTheNamespace_afterTheRevokeReturned() throws Exception {
        assertEquals(0, race(ns -> engine.deleteNamespace(ns, "b"),
                ns -> !engine.getNamespaces().contains(ns)));
    }
}
