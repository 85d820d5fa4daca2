package io.sharedmemory.remote.http;

import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.SharedMemory;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer token → the {@link AgentSession} it proves, for a surface that acts for remote agents: the identity of a
 * request is the agent of its token, verified by the memory's {@link io.sharedmemory.spi.AgentAuthenticator}, and
 * nothing else.
 *
 * <p>Opening a session verifies the token and records an {@code AUTHENTICATE} entry in the access log, so sessions are
 * cached per token and reused while they are open ({@link AgentSession#isOpen()}: not expired, not closed); a session
 * found closed or expired is dropped and the token verified again, which fails once the token has expired or its agent
 * was removed. The cache holds at most {@link RemoteSettings#sessionCacheSize()} sessions: when full, closed and expired
 * ones go first, then arbitrary ones (a dropped session is not closed — a request may be using it — and is simply
 * opened again on the token's next use). A refused token is not cached: each use is verified and recorded again.
 *
 * <p>Thread-safe.
 */
public final class BearerSessions {
    private final SharedMemory memory;
    private final int capacity;
    private final Map<String, AgentSession> byToken = new ConcurrentHashMap<>();

    /**
     * @param memory the memory whose authenticator proves tokens
     * @param capacity how many sessions to keep, at least 1
     */
    public BearerSessions(SharedMemory memory, int capacity) {
        this.memory = Objects.requireNonNull(memory, "memory");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * @param token a bearer token; not null
     * @return the open session of the token's agent
     * @throws AccessDeniedException when the token proves nothing (malformed, forged, expired, agent removed, no
     *         authenticator); the message says no more than that
     */
    public AgentSession session(String token) {
        Objects.requireNonNull(token, "token");
        AgentSession cached = byToken.get(token);
        if (cached != null) {
            if (cached.isOpen()) {
                return cached;
            }
            byToken.remove(token, cached);
        }
        AgentSession opened = memory.session(Credentials.token(token));
        remember(opened);
        return opened;
    }

    /**
     * Opens a session with an agent's secret (what {@code POST /v1/sessions} does) and caches it under its token.
     *
     * @param agentId the agent
     * @param secret its secret; wiped before this returns
     * @return the session
     * @throws AccessDeniedException when the secret proves nothing
     */
    public AgentSession open(String agentId, char[] secret) {
        Credentials credentials = Credentials.secret(agentId, secret);
        java.util.Arrays.fill(secret, '\0');
        try {
            AgentSession opened = memory.session(credentials);
            remember(opened);
            return opened;
        } finally {
            credentials.wipe();
        }
    }

    /**
     * @param authorization the value of an {@code Authorization} header, or null
     * @return the token of a {@code Bearer} credential (scheme case-insensitive, one token of the RFC 6750 characters),
     *         or null when there is none or it is malformed
     */
    public static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.strip();
        if (a.length() < 8 || !a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = a.substring(7).strip();
        if (token.isEmpty() || token.length() > 8192) {
            return null;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
            if (!ok) {
                return null;
            }
        }
        return token;
    }

    /** @return how many sessions are cached now */
    public int size() {
        return byToken.size();
    }

    /** Forgets every cached session (they are not closed: requests in flight may still use them). */
    public void clear() {
        byToken.clear();
    }

    private void remember(AgentSession session) {
        if (byToken.size() >= capacity) {
            byToken.values().removeIf(s -> !s.isOpen());
            Iterator<String> it = byToken.keySet().iterator();
            while (byToken.size() >= capacity && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
        byToken.put(session.token(), session);
    }
}
