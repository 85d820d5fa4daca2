package io.sharedmemory.permissions;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted, slow hashes of agents' secrets, so that configuration never holds a secret itself.
 *
 * <p>Format: {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>} — PBKDF2 with HMAC-SHA-256 from the JDK,
 * a 16-byte random salt, a 32-byte derived key, {@value #DEFAULT_ITERATIONS} iterations by default. Verification
 * compares in constant time. From a shell: {@code java -cp sharedmemory-permissions.jar
 * io.sharedmemory.permissions.SecretHashes} reads a secret from standard input and prints its hash.
 */
public final class SecretHashes {
    /** The iteration count of new hashes (OWASP's 2023 guidance for PBKDF2-HMAC-SHA256 is 600 000). */
    public static final int DEFAULT_ITERATIONS = 600_000;
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int KEY_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretHashes() {
    }

    /**
     * @param secret the secret; not null, not empty
     * @return its encoded hash with a fresh salt and {@link #DEFAULT_ITERATIONS}
     */
    public static String hash(char[] secret) {
        return hash(secret, DEFAULT_ITERATIONS);
    }

    /**
     * @param secret the secret; not null, not empty
     * @param iterations PBKDF2 iterations, at least 1000 (tests may use fewer rounds than production, never fewer
     *        than that)
     * @return its encoded hash with a fresh salt
     */
    public static String hash(char[] secret, int iterations) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length == 0) {
            throw new IllegalArgumentException("secret must not be empty");
        }
        if (iterations < 1000) {
            throw new IllegalArgumentException("iterations must be at least 1000, was " + iterations);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] key = derive(secret, salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(key);
    }

    /**
     * Checks a secret against an encoded hash, in time that does not depend on where they differ.
     *
     * @param secret the secret presented
     * @param encoded a hash from {@link #hash(char[])}
     * @return whether they match; false for a malformed hash
     */
    public static boolean verify(char[] secret, String encoded) {
        Parsed p = parse(encoded);
        if (p == null || secret == null) {
            return false;
        }
        byte[] actual = derive(secret, p.salt, p.iterations);
        return MessageDigest.isEqual(actual, p.key);
    }

    /**
     * @param encoded a string that should be an encoded hash
     * @return null when well-formed, else why not (for configuration errors)
     */
    public static String check(String encoded) {
        return parse(encoded) == null ? "not a " + SCHEME + "$<iterations>$<salt>$<hash> value" : null;
    }

    private record Parsed(int iterations, byte[] salt, byte[] key) {
    }

    private static Parsed parse(String encoded) {
        if (encoded == null) {
            return null;
        }
        String[] parts = encoded.strip().split("\\$");
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            return null;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] key = Base64.getDecoder().decode(parts[3]);
            if (iterations < 1000 || salt.length < 8 || key.length != KEY_BITS / 8) {
                return null;
            }
            return new Parsed(iterations, salt, key);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static byte[] derive(char[] secret, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(secret, salt, iterations, KEY_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    /**
     * Reads a secret from standard input (one line) and prints its hash, for operators writing configuration.
     *
     * @param args ignored
     * @throws java.io.IOException when standard input cannot be read
     */
    public static void main(String[] args) throws java.io.IOException {
        java.io.Console console = System.console();
        char[] secret = console != null ? console.readPassword("secret: ")
                : new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip().toCharArray();
        if (secret == null || secret.length == 0) {
            System.err.println("No secret given: type it at the prompt, or pipe it on standard input");
            System.exit(1);
        }
        try {
            System.out.println(hash(secret));
        } finally {
            Arrays.fill(secret, '\0');
        }
    }
}
