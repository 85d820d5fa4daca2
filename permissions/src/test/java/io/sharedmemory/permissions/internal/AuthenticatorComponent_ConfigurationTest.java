package io.sharedmemory.permissions.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.Credentials;
import io.sharedmemory.permissions.SecretHashes;
import java.lang.annotation.Annotation;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The component as SCR drives it: a bad configuration is logged, not thrown, and refuses every session. */
class AuthenticatorComponent_ConfigurationTest {
    private static final String GOOD_KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String ALICE = "alice=" + SecretHashes.hash("alice-secret".toCharArray(), 1000);

    private static AuthenticatorComponent.Config config(String agent, String signingKey) {
        return new AuthenticatorComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return AuthenticatorComponent.Config.class;
            }

            @Override
            public String[] agents() {
                return new String[] {agent};
            }

            @Override
            public String signingKey() {
                return signingKey;
            }

            @Override
            public long tokenTtlSeconds() {
                return 60;
            }
        };
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
}
