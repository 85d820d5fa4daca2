package io.sharedmemory.permissions.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.Credentials;
import io.sharedmemory.permissions.SecretHashes;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The component as SCR drives it: a bad configuration is logged, not thrown, and refuses every session. */
class AuthenticatorComponent_ConfigurationTest {
    private static final String GOOD_KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String ALICE = "alice=" + SecretHashes.hash("alice-secret".toCharArray(), 1000);

    /** A typed configuration, as a .config file or the Config Admin API gives it. */
    private static Map<String, Object> config(String agent, String signingKey) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", "io.sharedmemory.authenticator");
        p.put("agents", new String[] {agent});
        p.put("signingKey", signingKey);
        p.put("tokenTtlSeconds", 60L);
        return p;
    }

    private static boolean aliceGetsIn(AuthenticatorComponent c) {
        return c.authenticate(Credentials.secret("alice", "alice-secret".toCharArray())).isPresent();
    }

    @Test
    void aBadConfiguration_isNotThrown_andRefusesEverySessionUntilFixed() {
        AuthenticatorComponent c = new AuthenticatorComponent();
        c.configure(config(ALICE, Base64.getEncoder().encodeToString(new byte[24]))); // too short a key
        assertFalse(aliceGetsIn(c), "fail closed");
        c.configure(config(ALICE, GOOD_KEY));
        assertTrue(aliceGetsIn(c));
        c.configure(config("alice", GOOD_KEY)); // no hash
        assertFalse(aliceGetsIn(c), "a bad change does not keep the old agents either");
        c.configure(config(ALICE, "not base64!"));
        assertFalse(aliceGetsIn(c));
    }

    @Test
    void aNewConfiguration_movesTheRevision_andIdentitiesOfRemovedAgentsAreNoLongerValid() {
        AuthenticatorComponent c = new AuthenticatorComponent();
        c.configure(config(ALICE, GOOD_KEY));
        long first = c.revision();
        var alice = c.authenticate(Credentials.secret("alice", "alice-secret".toCharArray())).orElseThrow();
        assertTrue(c.isValid(alice));
        assertTrue(c.issue("alice").isPresent());
        c.configure(config("bob=" + SecretHashes.hash("b".toCharArray(), 1000), GOOD_KEY));
        assertTrue(c.revision() > first);
        assertFalse(c.isValid(alice));
        assertFalse(c.issue("alice").isPresent());
        c.configure(config("alice", GOOD_KEY)); // bad: every identity is invalid until fixed
        assertFalse(c.isValid(alice));
    }

    /** As FileInstall reads a {@code .cfg} file: every value one string. */
    private static Map<String, Object> cfg(String... keysAndValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", "io.sharedmemory.authenticator");
        p.put("felix.fileinstall.filename", "file:/opt/sharedmemory/conf/io.sharedmemory.authenticator.cfg");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return p;
    }

    private static boolean getsIn(AuthenticatorComponent c, String agent, String secret) {
        return c.authenticate(Credentials.secret(agent, secret.toCharArray())).isPresent();
    }

    @Test
    void theCfgFormListsSeveralAgents_separatedByCommas() {
        String h1 = SecretHashes.hash("s1".toCharArray(), 1000);
        String h2 = SecretHashes.hash("s2".toCharArray(), 1000);
        AuthenticatorComponent c = new AuthenticatorComponent();
        c.configure(cfg("agents", "worker-1=" + h1 + ",worker-2=" + h2, "signingKey", GOOD_KEY));
        assertTrue(getsIn(c, "worker-1", "s1"), "the issue's case: agents=worker-1=H1,worker-2=H2");
        assertTrue(getsIn(c, "worker-2", "s2"));
        // with spaces and a continued line, as a hand-written file has them
        c.configure(cfg("agents", " worker-1 = " + h1 + " ,\n  worker-2=" + h2 + ",", "signingKey", GOOD_KEY));
        assertTrue(getsIn(c, "worker-1", "s1") && getsIn(c, "worker-2", "s2"));
        // the typed list form still works, and may mix both
        Map<String, Object> typed = config("worker-1=" + h1 + ",worker-2=" + h2, GOOD_KEY);
        typed.put("agents", new String[] {"worker-1=" + h1, "worker-2=" + h2 + ",alice=" + ALICE.substring(6)});
        c.configure(typed);
        assertTrue(getsIn(c, "worker-2", "s2") && aliceGetsIn(c));
        assertFalse(getsIn(c, "worker-2", "s1"));
    }

    @Test
    void aTokenLifetimeThatIsNotANumber_isNamed() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> AuthenticatorComponent.authenticator(cfg("agents", ALICE, "signingKey", GOOD_KEY,
                        "tokenTtlSeconds", "1h")));
        org.junit.jupiter.api.Assertions.assertEquals(
                "tokenTtlSeconds: \"1h\" is not a whole number of seconds (3600 for an hour)", e.getMessage());
        AuthenticatorComponent c = new AuthenticatorComponent();
        c.configure(cfg("agents", ALICE, "signingKey", GOOD_KEY, "tokenTtlSeconds", "1h"));
        assertFalse(aliceGetsIn(c), "fail closed");
        c.configure(cfg("agents", ALICE, "signingKey", GOOD_KEY, "tokenTtlSeconds", "3600"));
        assertTrue(aliceGetsIn(c));
    }

    @Test
    void anUnknownProperty_orAByteOrderMark() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> AuthenticatorComponent.authenticator(cfg("agent", ALICE, "signingKey", GOOD_KEY)));
        assertTrue(e.getMessage().startsWith("unknown property \"agent\""), e.getMessage());
        AuthenticatorComponent c = new AuthenticatorComponent();
        c.configure(cfg("\uFEFFagents", ALICE, "signingKey", GOOD_KEY));
        assertTrue(aliceGetsIn(c));
    }
}
