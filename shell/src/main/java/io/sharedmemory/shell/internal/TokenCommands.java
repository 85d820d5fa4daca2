package io.sharedmemory.shell.internal;

import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.spi.AgentAuthenticator;
import java.util.Optional;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code sm:token <agent>}: mints a bearer token for a configured agent — the way an agent that holds no secret (an
 * LLM host, a service) gets one for the HTTP API and the MCP server.
 *
 * <p>"Admin only" means the platform's operator: whoever holds this console, which in the executable distribution is
 * only the process's own standard input (in Karaf, restrict the command to the admin role with an ACL, as for every
 * command that changes the platform). No agent can reach it: no HTTP route or MCP tool mints tokens, and
 * {@code POST /v1/sessions} needs the agent's secret. The token is verified through the memory before it is shown
 * (an {@code AUTHENTICATE} success of that agent in the access log marks the minting) and printed once, like every
 * {@code sm:} command's answer ({@link Terminal}), not returned as a value to linger in the shell; a log line records
 * that a token was minted, for whom and until when, never the token.
 */
@Component(service = TokenCommands.class, property = {"osgi.command.scope=sm", "osgi.command.function=token"})
public final class TokenCommands {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.shell");

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile AgentAuthenticator authenticator;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile SharedMemory memory;

    public TokenCommands() {
    }

    TokenCommands(AgentAuthenticator authenticator, SharedMemory memory) {
        this.authenticator = authenticator;
        this.memory = memory;
    }

    @Descriptor("mint a bearer token for a configured agent (for the HTTP API and the MCP server); printed once")
    public void token(CommandSession session, @Descriptor("agent") String agent) {
        Terminal t = Terminal.of(session);
        t.println(mint(t.typed(agent)));
    }

    /** @return the line to print: the token and its use, or why none was minted */
    String mint(String agent) {
        AgentAuthenticator auth = authenticator;
        SharedMemory m = memory;
        if (auth == null) {
            return "No token: no authenticator is configured (conf/io.sharedmemory.authenticator.config)";
        }
        if (m == null) {
            return "No token: the sharedmemory engine is not running (no SharedMemory service)";
        }
        Optional<AgentAuthenticator.Identity> issued;
        try {
            issued = auth.issue(agent);
        } catch (RuntimeException e) {
            return "No token: the authenticator failed: " + e.getMessage();
        }
        if (issued.isEmpty()) {
            return "No token: \"" + agent + "\" is not an agent of the authenticator (or it issues no tokens)";
        }
        AgentAuthenticator.Identity id = issued.get();
        try {
            AgentSession s = m.session(Credentials.token(id.token()));
            s.close();
        } catch (AccessDeniedException e) {
            return "No token: the memory does not accept the minted token (is the authenticator in force the one "
                    + "of the engine?)";
        }
        LOG.log(System.Logger.Level.INFO, "sharedmemory: the console minted a token for " + id.agentId() + ", valid "
                + "until " + id.expiresAt());
        return "Token for " + id.agentId() + " until " + id.expiresAt() + " (shown once; use it as "
                + "Authorization: Bearer <token>):\n" + id.token();
    }
}
