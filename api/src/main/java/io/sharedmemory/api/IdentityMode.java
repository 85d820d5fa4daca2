package io.sharedmemory.api;

/**
 * Who vouches for the agent id of an operation.
 *
 * <ul>
 *   <li>{@link #TRUSTED} (the default, the specification's behaviour): every operation takes a bare {@code agentId} and
 *       believes it. Right for one process whose code is all trusted.</li>
 *   <li>{@link #AUTHENTICATED}: operations that take a bare {@code agentId} are refused (writes with
 *       {@link WriteResult.Status#DENIED}, reads with null, the boolean operations with false, the throwing ones with
 *       {@link AccessDeniedException}; each with an access-log failure saying a session is needed); only an
 *       {@link AgentSession} from {@link SharedMemory#session(Credentials)} works, whose identity an
 *       {@link io.sharedmemory.spi.AgentAuthenticator} established.</li>
 * </ul>
 * Creating namespaces, reading the access log and stats take no agent and work in both modes: they are for the
 * application that owns the memory.
 */
public enum IdentityMode {
    /** Bare agent ids are believed. */
    TRUSTED,
    /** Only authenticated sessions may act. */
    AUTHENTICATED;

    /**
     * @param name {@code trusted} or {@code authenticated}, case-insensitive
     * @return the mode
     * @throws IllegalArgumentException otherwise, naming the accepted values
     */
    public static IdentityMode parse(String name) {
        if (name != null) {
            for (IdentityMode m : values()) {
                if (m.name().equalsIgnoreCase(name.strip())) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("Unknown identity mode \"" + name + "\": expected trusted or authenticated");
    }
}
