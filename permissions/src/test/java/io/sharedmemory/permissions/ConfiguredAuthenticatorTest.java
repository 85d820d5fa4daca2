package io.sharedmemory.permissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.Credentials;
import io.sharedmemory.spi.AgentAuthenticator.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Forged, expired and tampered tokens and wrong secrets are refused every time. */
class ConfiguredAuthenticatorTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String ALICE_HASH = SecretHashes.hash("alice-secret".toCharArray(), 1000);
    private Instant now = Instant.parse("2026-11-25T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };

    private ConfiguredAuthenticator auth(byte[] key) {
        return ConfiguredAuthenticator.builder().agent("alice", ALICE_HASH)
                .agent("bob", SecretHashes.hash("bob-secret".toCharArray(), 1000))
                .signingKey(key).tokenTtl(Duration.ofMinutes(10)).clock(clock).build();
    }

    private Identity login(ConfiguredAuthenticator a) {
        return a.authenticate(Credentials.secret("alice", "alice-secret".toCharArray())).orElseThrow();
    }

    @Test
    void secretsAreHashedSaltedAndVerified() {
        String h1 = SecretHashes.hash("s3cret".toCharArray(), 1000);
        String h2 = SecretHashes.hash("s3cret".toCharArray(), 1000);
        assertFalse(h1.equals(h2), "a fresh salt each time");
        assertFalse(h1.contains("s3cret"));
        assertTrue(h1.startsWith("pbkdf2-sha256$1000$"));
        assertTrue(SecretHashes.verify("s3cret".toCharArray(), h1));
        assertFalse(SecretHashes.verify("s3cret!".toCharArray(), h1));
        assertFalse(SecretHashes.verify("s3cret".toCharArray(), "garbage"));
        assertNull(SecretHashes.check(h1));
        assertThrows(IllegalArgumentException.class, () -> SecretHashes.hash(new char[0]));
        assertThrows(IllegalArgumentException.class, () -> SecretHashes.hash("x".toCharArray(), 10));
    }

    @Test
    void rightSecretOpensWrongOrUnknownDoesNot() {
        ConfiguredAuthenticator a = auth(KEY);
        Identity id = login(a);
        assertEquals("alice", id.agentId());
        assertEquals(now.plus(Duration.ofMinutes(10)), id.expiresAt());
        assertTrue(a.authenticate(Credentials.secret("alice", "bob-secret".toCharArray())).isEmpty());
        assertTrue(a.authenticate(Credentials.secret("mallory", "alice-secret".toCharArray())).isEmpty());
        assertTrue(a.authenticate(Credentials.secret("ALICE", "alice-secret".toCharArray())).isEmpty());
    }

    @Test
    void tokenResumesUntilItExpires() {
        ConfiguredAuthenticator a = auth(KEY);
        Identity id = login(a);
        Optional<Identity> again = a.authenticate(Credentials.token(id.token()));
        assertEquals("alice", again.orElseThrow().agentId());
        now = id.expiresAt().minusMillis(1);
        assertTrue(a.authenticate(Credentials.token(id.token())).isPresent());
        now = id.expiresAt();
        assertTrue(a.authenticate(Credentials.token(id.token())).isEmpty());
    }

    @Test
    void tamperedTokensAreRefusedEveryTime() {
        ConfiguredAuthenticator a = auth(KEY);
        String token = login(a).token();
        String[] parts = token.split("\\.");
        String bob = Base64.getUrlEncoder().withoutPadding().encodeToString("bob".getBytes(StandardCharsets.UTF_8));
        assertTrue(a.authenticate(Credentials.token(bob + "." + parts[1] + "." + parts[2])).isEmpty(), "other agent");
        assertTrue(a.authenticate(Credentials.token(parts[0] + "." + (Long.parseLong(parts[1]) + 3_600_000) + "."
                + parts[2])).isEmpty(), "later expiry");
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            char[] c = token.toCharArray();
            int at = random.nextInt(c.length);
            char replacement = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.".charAt(random.nextInt(65));
            if (c[at] == replacement) {
                continue;
            }
            c[at] = replacement;
            Optional<Identity> r = a.authenticate(Credentials.token(new String(c)));
            assertTrue(r.isEmpty(), "tampered token accepted: " + new String(c));
        }
    }

    @Test
    void forgedTokensAreRefused() {
        ConfiguredAuthenticator real = auth(KEY);
        ConfiguredAuthenticator forger = auth("ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.US_ASCII));
        String forged = login(forger).token();
        assertTrue(real.authenticate(Credentials.token(forged)).isEmpty());
        for (String junk : new String[] {"", ".", "..", "a.b.c", "YWxpY2U.9999999999999.", "YWxpY2U.x.AAAA",
                "%%%.1.2", "YWxpY2U.1.2.3"}) {
            assertTrue(real.authenticate(Credentials.token(junk)).isEmpty(), junk);
        }
    }

    @Test
    void removingAnAgentRevokesItsTokens() {
        String token = login(auth(KEY)).token();
        ConfiguredAuthenticator withoutAlice = ConfiguredAuthenticator.builder()
                .agent("bob", SecretHashes.hash("bob-secret".toCharArray(), 1000))
                .signingKey(KEY).clock(clock).build();
        assertTrue(withoutAlice.authenticate(Credentials.token(token)).isEmpty());
    }

    @Test
    void badConfigurationIsRefusedClearly() {
        assertThrows(IllegalArgumentException.class,
                () -> ConfiguredAuthenticator.builder().signingKey(new byte[16]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfiguredAuthenticator.builder().agent("a", "plaintext-secret"));
        assertFalse(e.getMessage().contains("plaintext-secret"), "the message must not echo the value");
        assertThrows(IllegalStateException.class, () -> ConfiguredAuthenticator.builder().build());
        assertThrows(IllegalArgumentException.class,
                () -> ConfiguredAuthenticator.builder().tokenTtl(Duration.ZERO));
    }

    @Test
    void anOperatorIssuesTokensForConfiguredAgents_withOrWithoutASecret() {
        ConfiguredAuthenticator a = ConfiguredAuthenticator.builder().agent("alice", ALICE_HASH)
                .tokenOnlyAgent("robot").signingKey(KEY).tokenTtl(Duration.ofMinutes(10)).clock(clock).build();
        Identity robot = a.issue("robot").orElseThrow();
        assertEquals("robot", robot.agentId());
        assertEquals(now.plus(Duration.ofMinutes(10)), robot.expiresAt());
        assertEquals(Optional.of(robot), a.authenticate(Credentials.token(robot.token())));
        assertTrue(a.isValid(robot));
        assertEquals("alice", a.issue("alice").orElseThrow().agentId());
        assertTrue(a.issue("mallory").isEmpty());
        assertTrue(a.issue(null).isEmpty());
        // an agent without a secret cannot log in with one, whatever it says
        assertTrue(a.authenticate(Credentials.secret("robot", "".toCharArray())).isEmpty());
        assertTrue(a.authenticate(Credentials.secret("robot", "x".toCharArray())).isEmpty());
        assertEquals(java.util.Set.of("alice", "robot"), a.agents());
    }

    @Test
    void anIdentityIsNoLongerValid_onceItsAgentIsGone_orTheKeyChanged() {
        Identity alice = login(auth(KEY));
        assertTrue(auth(KEY).isValid(alice));
        ConfiguredAuthenticator withoutAlice = ConfiguredAuthenticator.builder()
                .agent("bob", SecretHashes.hash("bob-secret".toCharArray(), 1000)).signingKey(KEY).clock(clock).build();
        assertFalse(withoutAlice.isValid(alice));
        assertFalse(auth("ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.US_ASCII)).isValid(alice));
        now = now.plus(Duration.ofMinutes(11));
        assertFalse(auth(KEY).isValid(alice));
    }
}
