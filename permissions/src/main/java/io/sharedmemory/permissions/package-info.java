/**
 * Agent authentication for {@link io.sharedmemory.api.IdentityMode#AUTHENTICATED} memories: {@link
 * io.sharedmemory.permissions.SecretHashes} to store agents' secrets as salted PBKDF2 hashes, and {@link
 * io.sharedmemory.permissions.ConfiguredAuthenticator}, an {@link io.sharedmemory.spi.AgentAuthenticator} over a fixed
 * set of agents that issues HMAC-SHA-256 signed, expiring session tokens. Inside OSGi the same authenticator is a
 * component configured through Config Admin (PID {@code io.sharedmemory.authenticator}).
 */
@Export
@Version("1.0.0")
package io.sharedmemory.permissions;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
