package io.sharedmemory.permissions.internal;

import io.sharedmemory.api.Credentials;
import io.sharedmemory.permissions.ConfiguredAuthenticator;
import io.sharedmemory.spi.AgentAuthenticator;
import java.lang.System.Logger.Level;
import java.lang.reflect.Array;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@link ConfiguredAuthenticator} as an OSGi service, configured through Config Admin (PID {@value #PID}). Without a
 * configuration there is no authenticator and every session request is refused (fail closed); a malformed configuration
 * is logged in one line naming the bad field, and every session request is refused until it is fixed (fail closed too).
 *
 * <p>Values are read from the raw properties: {@code agents} as a list ({@code .config} file, Config Admin API) or as
 * text ({@code .cfg} file), each entry holding one or more {@code agentId=hash} separated by commas (a hash never holds
 * one); {@code tokenTtlSeconds} a whole number of seconds. A property this component does not know is refused, and a
 * byte-order mark before the first key is not part of it. Every configuration, good or bad, moves the
 * {@link #revision()}: open sessions are checked again against it, so removing an agent (or breaking the configuration,
 * or deleting it) ends its sessions at their next operation.
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
                description = "agentId=pbkdf2-sha256$iterations$salt$hash, one per entry or several separated by "
                        + "commas (make the hash with java -cp sharedmemory-permissions.jar "
                        + "io.sharedmemory.permissions.SecretHashes).")
        String[] agents() default {};

        @AttributeDefinition(name = "Signing key", type = AttributeType.PASSWORD,
                description = "Base64 of at least 32 random bytes: the HMAC-SHA-256 key that signs session tokens.")
        String signingKey();

        @AttributeDefinition(name = "Token lifetime (s)",
                description = "How long a session and its token live, in seconds.", min = "1")
        long tokenTtlSeconds() default 3600L;
    }

    static final Set<String> KNOWN = Set.of("agents", "signingKey", "tokenTtlSeconds");
    /** Properties that Config Admin, DS, FileInstall or Karaf add to every configuration. */
    private static final List<String> FRAMEWORK_PREFIXES = List.of("service.", "component.", "felix.", "osgi.",
            "org.apache.", "karaf.", ".");

    private volatile ConfiguredAuthenticator delegate;
    /** Bumped on every configuration: open sessions are checked again against the new one (agents removed, key). */
    private final AtomicLong revision = new AtomicLong();

    @Activate
    @Modified
    void configure(Map<String, Object> properties) {
        try {
            delegate = authenticator(properties);
        } catch (RuntimeException e) {
            delegate = null;
            LOG.log(Level.ERROR, "sharedmemory: configuration " + PID + " not applied, every session is refused until it"
                    + " is fixed: " + e.getMessage());
        }
        // after the new delegate is in place: a session that sees the new revision checks against it
        revision.incrementAndGet();
    }

    @Deactivate
    void deactivate() {
        delegate = null;
        revision.incrementAndGet();
    }

    /** @throws RuntimeException naming the bad field */
    static ConfiguredAuthenticator authenticator(Map<String, Object> properties) {
        Map<String, Object> p = new HashMap<>();
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            String key = withoutByteOrderMark(e.getKey());
            if (!KNOWN.contains(key) && FRAMEWORK_PREFIXES.stream().noneMatch(key::startsWith)) {
                throw new IllegalArgumentException("unknown property \"" + key + "\" (known: "
                        + String.join(", ", new TreeSet<>(KNOWN)) + ")");
            }
            p.put(key, e.getValue());
        }
        ConfiguredAuthenticator.Builder b = ConfiguredAuthenticator.builder();
        for (String entry : strings(p.get("agents"))) {
            for (String line : entry.split(",")) {
                if (line.isBlank()) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("agents: an entry without agentId=hash: \"" + line.strip()
                            .replaceAll("\\$.*", "\\$…") + "\"");
                }
                try {
                    b.agent(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("agents: " + e.getMessage(), e);
                }
            }
        }
        List<String> key = strings(p.get("signingKey"));
        if (key.size() > 1) {
            throw new IllegalArgumentException("signingKey: one value expected");
        }
        try {
            b.signingKey(Base64.getDecoder().decode(key.isEmpty() ? "" : key.get(0).strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() != null && e.getMessage().startsWith("signingKey")
                    ? e.getMessage() : "signingKey is not base64", e);
        }
        b.tokenTtl(Duration.ofSeconds(seconds(p.get("tokenTtlSeconds"))));
        return b.build();
    }

    private static long seconds(Object v) {
        if (v == null) {
            return ConfiguredAuthenticator.DEFAULT_TOKEN_TTL.toSeconds();
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        try {
            return Long.parseLong(v.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tokenTtlSeconds: \"" + v + "\" is not a whole number of seconds "
                    + "(3600 for an hour)");
        }
    }

    private static List<String> strings(Object v) {
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v instanceof Collection<?> c) {
            c.forEach(o -> out.add(String.valueOf(o)));
        } else if (v.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(v); i++) {
                out.add(String.valueOf(Array.get(v, i)));
            }
        } else {
            out.add(v.toString());
        }
        return out;
    }

    /** A file saved with a UTF-8 byte-order mark puts it before the first key: U+FEFF, or its bytes read as Latin-1. */
    private static String withoutByteOrderMark(String key) {
        if (key.startsWith("\uFEFF")) {
            return key.substring(1);
        }
        return key.startsWith("\u00EF\u00BB\u00BF") ? key.substring(3) : key;
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
