package io.sharedmemory.osgitests;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Issue 16, item 10: the engine's configuration with {@code identity=authenticated}, {@code requireAuditSink=true} and
 * one bad value must not leave a trusted engine that writes for a bare agent id. Here the configuration arrives through
 * Config Admin as FileInstall puts a {@code .cfg} file there (every value a string), and the operator looks through the
 * shell as in the issue ({@code sm:stats}, {@code sm:write tasks x 1}).
 */
@ExtendWith(ServiceExtension.class)
class EngineConfiguration_FailClosedTest {
    @InjectService(timeout = 10_000)
    SharedMemory memory;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 10_000)
    CommandProcessor processor;

    private Configuration engine;
    private static final String REFUSAL = "The sharedmemory engine refuses every operation until its configuration "
            + "io.sharedmemory.engine is fixed: ";

    private static Dictionary<String, Object> cfg(String... keysAndValues) {
        Dictionary<String, Object> d = new Hashtable<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            d.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return d;
    }

    private String shell(String line) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            session.execute(line);
        } finally {
            session.close();
        }
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    @AfterEach
    void backToTheDefaults() throws Exception {
        if (engine != null) {
            engine.delete();
        }
        await().atMost(10, SECONDS).until(() -> memory.identityMode() == IdentityMode.TRUSTED
                && !shell("sm:stats").contains(REFUSAL));
    }

    @Test
    void oneBadValue_refusesEverything_andNeverFallsBackToATrustedEngine() throws Exception {
        memory.createNamespace("failclosed-it", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        engine = configAdmin.getConfiguration("io.sharedmemory.engine", "?");

        for (String[] bad : new String[][] {{"listenerQueueCapacity", "8"}, {"maxLogSize", "-3"}}) {
            engine.update(cfg("identity", "authenticated", "requireAuditSink", "true", bad[0], bad[1]));
            await().atMost(10, SECONDS).until(() -> shell("sm:stats").contains(REFUSAL + bad[0]));
            String stats = shell("sm:stats");
            assertTrue(stats.startsWith("identity mode authenticated"), "not trusted: " + stats);
            String write = shell("sm:write failclosed-it x 1");
            assertTrue(write.startsWith("Not written (STORE_UNAVAILABLE): " + REFUSAL + bad[0]), write);
            assertEquals(WriteResult.Status.STORE_UNAVAILABLE,
                    memory.write("failclosed-it", "x", 1, "operator").status());

            engine.update(cfg("identity", "authenticated", "requireAuditSink", "true"));
            await().atMost(10, SECONDS).until(() -> !shell("sm:stats").contains(REFUSAL));
            assertTrue(shell("sm:stats").startsWith("identity mode authenticated"));
            assertEquals(WriteResult.Status.DENIED, memory.write("failclosed-it", "x", 1, "operator").status(),
                    "a bare id is refused once the configuration is fixed: what the file asked for");

            engine.update(cfg());
            await().atMost(10, SECONDS).until(() -> memory.identityMode() == IdentityMode.TRUSTED);
        }
        assertTrue(memory.write("failclosed-it", "x", 1, "operator").isWritten(), "the defaults, as asked");
    }

    @Test
    void aMisspeltPropertyOrAByteOrderMark_isNotIgnored() throws Exception {
        engine = configAdmin.getConfiguration("io.sharedmemory.engine", "?");
        engine.update(cfg("identity", "authenticated", "requireAuditSnk", "true"));
        await().atMost(10, SECONDS).until(() -> shell("sm:stats").contains(REFUSAL));
        assertTrue(shell("sm:stats").contains("unknown property \"requireAuditSnk\" (did you mean requireAuditSink?)"));

        engine.update(cfg("\uFEFFidentity", "authenticated"));
        await().atMost(10, SECONDS).until(() -> shell("sm:stats").startsWith("identity mode authenticated")
                && !shell("sm:stats").contains(REFUSAL));

        engine.update(cfg("identity", "authenticated", "requireAuditSink", "yes"));
        await().atMost(10, SECONDS).until(() -> shell("sm:stats").contains("requireAuditSink: \"yes\" is not true "
                + "or false"));
    }
}
