package io.sharedmemory.permissions.internal;

import io.sharedmemory.api.Credentials;
import io.sharedmemory.permissions.ConfiguredAuthenticator;
import io.sharedmemory.spi.AgentAuthenticator;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@link ConfiguredAuthenticator} as an OSGi service, configured through Config Admin (PID {@value #PID}). Without a
 * configuration there is no authenticator and every session request is refused (fail closed); a malformed configuration
 * is logged in one line naming the bad field, and every session request is refused until it is fixed (fail closed too).
 */
@Component(service = AgentAuthenticator.class, configurationPid = AuthenticatorComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AuthenticatorComponent.Config.class)
public final class AuthenticatorComponent implements AgentAuthenticator {
    static final String PID = "io.sharedmemory.authenticator";
    private static final System.Logger LOG = System.getLogger(AuthenticatorComponent.class.getName());

    @ObjectClassDefinition(name = "sharedmemory agent authenticator",
            description = "Agents allowed to open sessions, and how their session tokens are signed.")
    @interface Config {
        @AttributeDefinition(name = "Agents",
                description = "One entry per agent: agentId=pbkdf2-sha256$iterations$salt$hash (make the hash with "
                        + "java -cp sharedmemory-permissions.jar io.sharedmemory.permissions.SecretHashes).")
        String[] agents() default {};

        @AttributeDefinition(name = "Signing key", type = AttributeType.PASSWORD,
                description = "Base64 of at least 32 random bytes: the HMAC-SHA-256 key that signs session tokens.")
        String signingKey();

        @AttributeDefinition(name = "Token lifetime (s)",
                description = "How long a session and its token live, in seconds.", min = "1")
        long tokenTtlSeconds() default 3600L;
    }

    private volatile ConfiguredAuthenticator delegate;
    /** Bumped on every configuration: open sessions are checked again against the new one (agents removed, key). */
    private final java.util.concurrent.atomic.AtomicLong revision = new java.util.concurrent.atomic.AtomicLong();

    @Activate
    @Modified
    void configure(Config config) {
        try {
            delegate = authenticator(config);
        } catch (RuntimeException e) {
            delegate = null;
            LOG.log(Level.ERROR, "sharedmemory: configuration " + PID + " not applied, every session is refused until it"
                    + " is fixed: " + e.getMessage());
        }
        // after the new delegate is in place: a session that sees the new revision checks against it
        revision.incrementAndGet();
    }

    /** @throws RuntimeException naming the bad field (SCR's own for a value it cannot convert) */
    private static ConfiguredAuthenticator authenticator(Config config) {
        ConfiguredAuthenticator.Builder b = ConfiguredAuthenticator.builder();
        for (String line : config.agents()) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("agents entry without agentId=hash: \"" + line.strip()
                        .replaceAll("\\$.*", "$…") + "\"");
            }
            b.agent(line.substring(0, eq).strip(), line.substring(eq + 1));
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(config.signingKey() == null ? "" : config.signingKey().strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("signingKey is not base64", e);
        }
        return b.signingKey(key).tokenTtl(Duration.ofSeconds(config.tokenTtlSeconds())).build();
    }

    @Override
    public Optional<Identity> authenticate(Credentials credentials) {
        ConfiguredAuthenticator d = delegate;
        return d == null ? Optional.empty() : d.authenticate(credentials);
    }

    @Override
    public boolean isValid(Identity identity) {
        ConfiguredAuthenticator d = delegate;
        return d != null && d.isValid(identity);
    }

    @Override
    public long revision() {
        return revision.get();
    }

    @Override
    public Optional<Identity> issue(String agentId) {
        ConfiguredAuthenticator d = delegate;
        return d == null ? Optional.empty() : d.issue(agentId);
    }
}
