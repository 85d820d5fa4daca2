package io.sharedmemory.osgitests;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
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
 * Issue 16, items 11, 12 and 20: the operator's cases from the issue, typed into the real Gogo runtime against the real
 * engine.
 */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class Shell_OperatorCasesTest {
    @InjectService(timeout = 10_000)
    SharedMemory memory;

    @InjectService(timeout = 10_000)
    CommandProcessor processor;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @InjectBundleContext
    BundleContext context;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private CommandSession shell;

    private CommandSession shell() {
        if (shell == null) {
            shell = open(new ByteArrayInputStream(new byte[0]));
        }
        return shell;
    }

    private CommandSession open(InputStream keyboard) {
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        return processor.createSession(keyboard, print, print);
    }

    @AfterEach
    void close() {
        if (shell != null) {
            shell.close();
        }
    }

    private String run(String line) throws Exception {
        return run(shell(), line);
    }

    private String run(CommandSession session, String line) throws Exception {
        out.reset();
        session.execute(line);
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    private List<AccessLogEntry> failures(String agent, String namespace, AccessAction action) {
        return memory.getAccessLog(AccessLogQuery.builder().agentId(agent).namespace(namespace).action(action)
                .success(false).build());
    }

    // ---------------------------------------------------------------- item 11

    @Test
    void anAgentThatMayOnlyRead_cannotReconfigureOrDropANamespace_andTheRefusalsAreRecorded() throws Exception {
        memory.createNamespace("tasks-11", NamespaceConfig.builder().conflictStrategy("merge")
                .permission("planner", Permission.ADMIN).permission("operator", Permission.ADMIN).build());
        NamespaceConfig before = memory.getNamespaceConfig("tasks-11").orElseThrow();
        try {
            assertEquals("Not reconfigured: Insufficient permissions: agent \"mallory\" may not reconfigure namespace "
                    + "\"tasks-11\" (it needs admin)", run("sm:create -a mallory -d none tasks-11"));
            assertEquals(before, memory.getNamespaceConfig("tasks-11").orElseThrow(), "strategy and admins kept");
            assertTrue(run("sm:drop -a mallory tasks-11").startsWith("Not deleted: "));
            assertTrue(memory.getNamespaceConfig("tasks-11").isPresent());
            assertEquals(1, failures("mallory", "tasks-11", AccessAction.CREATE_NAMESPACE).size(),
                    "the refused reconfiguration is in the access log");
            assertEquals(1, failures("mallory", "tasks-11", AccessAction.DELETE_NAMESPACE).size());

            // an admin may; a new namespace may be created by anyone, who becomes its admin
            assertTrue(run("sm:create -a planner -s latest-wins tasks-11").startsWith(
                    "Reconfigured namespace tasks-11: strategy latest-wins"));
            assertEquals("Created namespace mallorys-11: strategy latest-wins, default read, [mallory=admin]",
                    run("sm:create -a mallory mallorys-11"));
        } finally {
            memory.deleteNamespace("tasks-11", "operator");
            memory.deleteNamespace("mallorys-11", "mallory");
        }
    }

    @Test
    void underAuthenticatedIdentity_theShellActsOnlyThroughALogin() throws Exception {
        Configuration engine = configAdmin.getConfiguration("io.sharedmemory.engine", "?");
        Configuration authenticator = configAdmin.getConfiguration("io.sharedmemory.authenticator", "?");
        try {
            String hash = (String) Bundles.bySymbolicName(context, "io.sharedmemory.permissions")
                    .loadClass("io.sharedmemory.permissions.SecretHashes")
                    .getMethod("hash", char[].class, int.class).invoke(null, "s3cret".toCharArray(), 1000);
            Dictionary<String, Object> auth = new Hashtable<>();
            auth.put("agents", "planner=" + hash);
            auth.put("signingKey", Base64.getEncoder().encodeToString(new byte[32]));
            authenticator.update(auth);
            Dictionary<String, Object> mode = new Hashtable<>();
            mode.put("identity", "authenticated");
            engine.update(mode);
            await().atMost(10, SECONDS).ignoreExceptions()
                    .until(() -> memory.identityMode() == IdentityMode.AUTHENTICATED);

            String refused = run("sm:create auth-11");
            assertTrue(refused.startsWith("Not created: Identity mode is authenticated") && refused.endsWith(
                    "(the shell acts only through sm:login <agent> in this mode)"), refused);
            assertTrue(memory.getNamespaceConfig("auth-11").isEmpty());
            assertEquals(1, failures("operator", "auth-11", AccessAction.CREATE_NAMESPACE).size());
            assertTrue(run("sm:write -a planner auth-11 k 1").contains("sm:login"), "-a is not believed either");

            await().atMost(10, SECONDS).until(() -> run("sm:login -s s3cret planner").startsWith("Logged in"));
            assertEquals("Created namespace auth-11: strategy latest-wins, default read, [planner=admin]",
                    run("sm:create auth-11"));
        } finally {
            engine.delete();
            await().atMost(10, SECONDS).ignoreExceptions()
                    .until(() -> memory.identityMode() == IdentityMode.TRUSTED);
            authenticator.delete();
            memory.deleteNamespace("auth-11", "planner");
        }
    }

    // ---------------------------------------------------------------- item 12

    @Test
    void nonAsciiTypedIntoTheFelixConsole_isStoredAsTyped() throws Exception {
        // the Felix Gogo shell reads the process's stdin a byte at a time, each byte taken for a character
        Path empty = Files.createTempFile("keyboard", ".txt");
        CommandSession console = open(new FileInputStream(empty.toFile()));
        try {
            String created = run(console, asTheConsoleReadsIt("sm:create -d write 名前"));
            assertEquals("Created namespace 名前: strategy latest-wins, default write, [operator=admin]", created,
                    "not refused as a control character U+0090");
            run(console, asTheConsoleReadsIt("sm:create -d write load2"));
            assertEquals("Written load2/kä version 1",
                    run(console, asTheConsoleReadsIt("sm:write load2 kä \"värde\"")));
            assertEquals(List.of("kä"), memory.getKeys("load2", "operator"));
            assertEquals("värde", memory.read("load2", "kä", "operator"));
            assertEquals("\"värde\"", run(console, asTheConsoleReadsIt("sm:read load2 kä")));
            assertTrue(memory.getAccessLog(AccessLogQuery.builder().namespace("load2").action(AccessAction.WRITE)
                    .build()).stream().anyMatch(e -> "kä".equals(e.key())), "the access log has the key as typed");
            // a plain Latin-1 character (one byte, not UTF-8) stays what it is
            assertEquals("Written load2/k\u00e9 version 1", run(console, "sm:write load2 k\u00e9 1"));
        } finally {
            console.close();
            Files.delete(empty);
            memory.deleteNamespace("名前", "operator");
            memory.deleteNamespace("load2", "operator");
        }
    }

    /** What the Felix console makes of a line typed on a UTF-8 terminal. */
    private static String asTheConsoleReadsIt(String typed) {
        return new String(typed.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    // ---------------------------------------------------------------- item 20

    @Test
    void edgeCases_eachRefusedInOneLine_orHandledExactly() throws Exception {
        memory.createNamespace("edge-20", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .permission("operator", Permission.ADMIN).build());
        try {
            String expect = run("sm:write -e -5 edge-20 k 1");
            assertTrue(expect.startsWith("Not written: -e: -5 is not a version"), expect);
            assertEquals(null, (Object) memory.read("edge-20", "k", "operator"), "not written unconditionally");

            assertEquals("Refused: -l: -1 is not a number of entries (1 or more)", run("sm:log -l -1"));
            assertEquals("Refused: -l: 0 is not a number of entries (1 or more)", run("sm:log -l 0"));

            assertEquals("Written edge-20/big version 1", run("sm:write edge-20 big 123456789012345678901234567890"));
            assertEquals(new BigInteger("123456789012345678901234567890"), memory.read("edge-20", "big", "operator"));
            assertEquals("123456789012345678901234567890", run("sm:read edge-20 big"));
            run("sm:write edge-20 small 0.1000000000000000000001");
            assertEquals(new BigDecimal("0.1000000000000000000001"), memory.read("edge-20", "small", "operator"));
            assertEquals("Written edge-20/list version 1", run("sm:write edge-20 list [1 two]"));
            assertEquals("[1,\"two\"]", run("sm:read edge-20 list"));
            assertEquals("Written edge-20/map version 1", run("sm:write edge-20 map [a=1]"));
            assertEquals("{\"a\":1}", run("sm:read edge-20 map"));

            run("l = [1 2]");
            run("$l add $l");
            String cyclic = run("sm:write edge-20 cyclic $l");
            assertTrue(cyclic.startsWith("Not written (INVALID): "), cyclic);
            run("a = [1]");
            run("b = [$a]");
            run("$a add $b");
            String indirect = run("sm:write edge-20 indirect $a");
            assertTrue(indirect.startsWith("Not written (INVALID): "), indirect);
            assertEquals(2, memory.getAccessLog(AccessLogQuery.builder().namespace("edge-20")
                    .action(AccessAction.WRITE).success(false).build()).size(), "both refusals recorded");

            assertEquals("Usage: sm:write [-a agent] [-e version] <namespace> <key> <value> (given: edge-20; quote "
                    + "a value with spaces: 'a b'; help sm:write says more)", run("sm:write edge-20"));
            assertTrue(run("sm:read").startsWith("Usage: sm:read "));
            assertTrue(run("sm:write edge-20 k v extra").startsWith("Usage: sm:write "));
            assertFalse(run("sm:stats x").contains("Cannot coerce"));
        } finally {
            memory.deleteNamespace("edge-20", "operator");
        }
    }

    @Test
    void aTokenLifetimeWithAUnit_isRefusedNamingTheField() throws Exception {
        Configuration authenticator = configAdmin.getConfiguration("io.sharedmemory.authenticator", "?");
        try (LogCapture log = LogCapture.of("io.sharedmemory.permissions.internal.AuthenticatorComponent")) {
            Dictionary<String, Object> auth = new Hashtable<>();
            auth.put("agents", "");
            auth.put("signingKey", Base64.getEncoder().encodeToString(new byte[32]));
            auth.put("tokenTtlSeconds", "1h");
            authenticator.update(auth);
            log.awaitMessage("not applied", "tokenTtlSeconds: \"1h\" is not a whole number of seconds");
        } finally {
            authenticator.delete();
        }
    }
}
