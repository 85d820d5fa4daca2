package io.sharedmemory.osgitests;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.spi.AgentAuthenticator;
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

/** The sm:* commands as an operator types them, parsed and run by the real Gogo runtime against the real engine. */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class Shell_CommandsTest {
    @InjectService(timeout = 10_000)
    CommandProcessor processor;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private CommandSession session;

    @BeforeEach
    void openSession() {
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print);
    }

    @AfterEach
    void closeSession() {
        session.close();
    }

    /** An authenticator configuration: agent planner with secret s3cret, and a signing key of that many bytes. */
    private static Dictionary<String, Object> plannerWithSecret(BundleContext context, int signingKeyBytes)
            throws Exception {
        // through the bundle, not an import: the hot-swap tests refresh the permissions bundle, and a wire to it
        // would restart this test bundle with it
        String hash = (String) Bundles.bySymbolicName(context, "io.sharedmemory.permissions")
                .loadClass("io.sharedmemory.permissions.SecretHashes").getMethod("hash", char[].class, int.class)
                .invoke(null, "s3cret".toCharArray(), 1000);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("agents", new String[] {"planner=" + hash});
        props.put("signingKey", Base64.getEncoder().encodeToString(new byte[signingKeyBytes]));
        return props;
    }

    /** Runs a line as an operator types it and returns what it printed (the commands print, they return nothing). */
    private String run(String line) throws Exception {
        out.reset();
        Object result = session.execute(line);
        assertEquals(null, result, "a command prints its answer instead of returning it");
        String printed = out.toString(StandardCharsets.UTF_8);
        return printed.endsWith(System.lineSeparator())
                ? printed.substring(0, printed.length() - System.lineSeparator().length()) : printed;
    }

    @Test
    void anOperatorCreatesWritesReadsAndIsToldWhyARefusalHappened() throws Exception {
        assertEquals("Created namespace shell-it: strategy merge, default read, [operator=admin]",
                run("sm:create -s merge shell-it"));
        assertEquals("Written shell-it/board version 1", run("sm:write shell-it board '{\"a\":1}'"));
        assertEquals("Written shell-it/board version 2", run("sm:write shell-it board '{\"b\":[1,2]}'"));
        assertEquals("{\"a\":1,\"b\":[1,2]}", run("sm:read shell-it board"));
        assertEquals("Not written (DENIED): Insufficient permissions",
                run("sm:write -a visitor shell-it board 3"));
        assertEquals("Not written (VERSION_MISMATCH)",
                run("sm:write -e 1 shell-it board '{\"c\":3}'").replaceAll(":.*", ""));
        assertEquals("Permissions of shell-it updated: [visitor=write]", run("sm:perms shell-it visitor=write"));
        assertEquals("Written shell-it/note version 1", run("sm:write -a visitor shell-it note hello"));
        assertEquals("\"hello\"", run("sm:read -a visitor shell-it note"));
        assertEquals("board\nnote", run("sm:keys shell-it"));
        assertEquals("Nothing read: namespace \"nowhere\" does not exist", run("sm:read nowhere k"));
        assertTrue(run("sm:log -n shell-it -x write -l 2").contains("visitor WRITE shell-it/note OK"));
        assertTrue(run("sm:plugins").contains("* merge"), () -> out.toString(StandardCharsets.UTF_8));
        assertTrue(run("sm:namespaces").contains("shell-it"));
    }

    @Test
    void aNumericOptionThatIsNotANumberIsRefusedNamingTheOption() throws Exception {
        assertEquals("Not created: -m: \"many\" is not a whole number", run("sm:create -m many shell-bad-it"));
        assertEquals("Not written: -e: \"one\" is not a whole number", run("sm:write -e one shell-bad-it k 1"));
        assertEquals("Refused: -l: \"all\" is not a whole number", run("sm:log -l all"));
        assertEquals("Refused: -t: \"soon\" is not a whole number", run("sm:watch -t soon shell-bad-it"));
    }

    @Test
    void withoutAnAuthenticatorLoginIsRefusedInOneLine() throws Exception {
        assertEquals("No session to end", run("sm:logout"));
        String refused = run("sm:login -s wrong planner");
        assertTrue(refused.startsWith("Refused: "), refused);
    }

    @Test
    void aLoggedInOperatorActsAsTheAuthenticatedAgent(@InjectService(timeout = 10_000) ConfigurationAdmin cm,
            @InjectBundleContext BundleContext context) throws Exception {
        Dictionary<String, Object> props = plannerWithSecret(context, 32);
        Configuration authenticator = cm.getConfiguration("io.sharedmemory.authenticator", "?");
        authenticator.update(props);
        try {
            run("sm:create -p planner=write shell-login-it");
            await().atMost(10, SECONDS)
                    .until(() -> run("sm:login -s s3cret planner").startsWith("Logged in as planner"));
            assertEquals("Written shell-login-it/plan version 1", run("sm:write shell-login-it plan 1"));
            assertTrue(run("sm:read -e shell-login-it plan").contains("written by planner"));
            assertEquals("Logged out planner", run("sm:logout"));
            assertTrue(run("sm:login -s wrong planner").startsWith("Refused: "));
        } finally {
            authenticator.delete();
        }
    }

    @Test
    void anAuthenticatorConfigurationFixedWhileRunningTakesEffect(@InjectService(timeout = 10_000)
            ConfigurationAdmin cm, @InjectBundleContext BundleContext context) throws Exception {
        Dictionary<String, Object> props = plannerWithSecret(context, 24); // a signing key too short
        Configuration authenticator = cm.getConfiguration("io.sharedmemory.authenticator", "?");
        authenticator.update(props);
        try {
            // the engine tries to bind the authenticator while its service is registered, with the bad configuration
            await().atMost(10, SECONDS).until(() -> !context.getServiceReferences(AgentAuthenticator.class,
                    "(service.pid=io.sharedmemory.authenticator)").isEmpty());
            assertTrue(run("sm:login -s s3cret planner").startsWith("Refused: "));

            props.put("signingKey", Base64.getEncoder().encodeToString(new byte[32]));
            authenticator.update(props);
            await().atMost(10, SECONDS)
                    .until(() -> run("sm:login -s s3cret planner").startsWith("Logged in as planner"));
            assertEquals("Logged out planner", run("sm:logout"));
        } finally {
            authenticator.delete();
        }
    }
}
