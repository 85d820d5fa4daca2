package io.sharedmemory.osgitests;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Issue 16, items 16 and 19, in the distribution's bundles: the authenticator configured as a {@code .cfg} file
 * gives it (several agents in one {@code agents=} line); a shell logged in with {@code sm:login} is refused at its next command
 * once its agent is removed from that configuration, or the configuration deleted, and its token opens no session.
 */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class Authenticator_RevocationTest {
    private static final String SIGNING_KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @InjectService(timeout = 10_000)
    SharedMemory memory;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 10_000)
    CommandProcessor processor;

    @InjectBundleContext
    BundleContext context;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private CommandSession shell;
    private Configuration authenticator;
    private String hash1;
    private String hash2;

    @BeforeEach
    void setUp() throws Exception {
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        shell = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        hash1 = hash("s1");
        hash2 = hash("s2");
        memory.createNamespace("revoke-it", NamespaceConfig.builder().defaultPermission(Permission.NONE)
                .permission("worker-1", Permission.WRITE).permission("worker-2", Permission.WRITE)
                .permission("operator", Permission.ADMIN).build());
        authenticator = configAdmin.getConfiguration("io.sharedmemory.authenticator", "?");
    }

    @AfterEach
    void tearDown() throws Exception {
        shell.close();
        memory.deleteNamespace("revoke-it", "operator");
        try {
            authenticator.delete();
        } catch (IllegalStateException alreadyDeleted) {
            // the test deleted it
        }
    }

    /** Through the bundle, not an import: the hot-swap tests refresh the permissions bundle. */
    private String hash(String secret) throws Exception {
        return (String) Bundles.bySymbolicName(context, "io.sharedmemory.permissions")
                .loadClass("io.sharedmemory.permissions.SecretHashes").getMethod("hash", char[].class, int.class)
                .invoke(null, secret.toCharArray(), 1000);
    }

    /** As FileInstall hands a {@code .cfg} file to Config Admin: one string per key. */
    private static Dictionary<String, Object> cfg(String agents) {
        Dictionary<String, Object> d = new Hashtable<>();
        d.put("agents", agents);
        d.put("signingKey", SIGNING_KEY);
        d.put("tokenTtlSeconds", "3600");
        return d;
    }

    private String run(String line) throws Exception {
        out.reset();
        shell.execute(line);
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    private boolean opensASession(String agent, String secret) {
        try {
            memory.session(Credentials.secret(agent, secret.toCharArray())).close();
            return true;
        } catch (AccessDeniedException e) {
            return false;
        }
    }

    @Test
    void twoAgentsInTheCfgForm_bothLogIn() throws Exception {
        authenticator.update(cfg("worker-1=" + hash1 + ",worker-2=" + hash2));
        await().atMost(10, SECONDS).until(() -> run("sm:login -s s1 worker-1").startsWith("Logged in as worker-1"));
        assertTrue(run("sm:login -s s2 worker-2").startsWith("Logged in as worker-2"));
        assertEquals("Written revoke-it/k version 1", run("sm:write revoke-it k 1"));
    }

    @Test
    void removingTheAgent_refusesTheLoggedInShellAtItsNextCommand_andItsToken() throws Exception {
        authenticator.update(cfg("worker-1=" + hash1 + ",worker-2=" + hash2));
        await().atMost(10, SECONDS).until(() -> run("sm:login -s s1 worker-1").startsWith("Logged in as worker-1"));
        String token = ((AgentSession) shell.get(".sm.session")).token();
        assertEquals("Written revoke-it/k version 1", run("sm:write revoke-it k 1"));

        authenticator.update(cfg("worker-2=" + hash2));
        await().atMost(10, SECONDS).until(() -> !opensASession("worker-1", "s1")); // the new configuration is in force
        String refused = run("sm:write revoke-it k 2");
        assertTrue(refused.startsWith("Not written (DENIED): Session revoked"), refused);
        assertTrue(run("sm:read revoke-it k").startsWith("Nothing read"), "every later command too");
        assertThrows(AccessDeniedException.class, () -> memory.session(Credentials.token(token)));
        assertTrue(opensASession("worker-2", "s2"), "the other agent is not affected");
    }

    @Test
    void deletingTheAuthenticatorConfiguration_refusesTheLoggedInShellAndItsToken() throws Exception {
        authenticator.update(cfg("worker-1=" + hash1));
        await().atMost(10, SECONDS).until(() -> run("sm:login -s s1 worker-1").startsWith("Logged in as worker-1"));
        String token = ((AgentSession) shell.get(".sm.session")).token();
        assertEquals("Written revoke-it/k version 1", run("sm:write revoke-it k 1"));

        authenticator.delete();
        await().atMost(10, SECONDS).until(() -> !opensASession("worker-1", "s1"));
        String refused = run("sm:write revoke-it k 2");
        assertTrue(refused.startsWith("Not written (DENIED): Session revoked"), refused);
        assertThrows(AccessDeniedException.class, () -> memory.session(Credentials.token(token)));
    }
}
