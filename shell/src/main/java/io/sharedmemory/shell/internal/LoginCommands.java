package io.sharedmemory.shell.internal;

import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.Credentials;
import java.util.Arrays;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code sm:login} and {@code sm:logout}: an authenticated agent session for this shell, which the other commands use
 * when no {@code -a} is given. Needed when the engine's identity mode is {@code authenticated}, where bare agent ids
 * are refused; works in both modes.
 */
@Component(service = LoginCommands.class, property = {
        "osgi.command.scope=sm", "osgi.command.function=login", "osgi.command.function=logout"})
public final class LoginCommands {
    /** The Gogo session variable holding this shell's {@link AgentSession}. */
    static final String SESSION_VARIABLE = ".sm.session";

    private final MemoryCommands memory;

    @Activate
    public LoginCommands(@Reference MemoryCommands memory) {
        this.memory = memory;
    }

    @Descriptor("open a session as an agent proven by the installed authenticator; later commands act as it")
    public void login(
            CommandSession session,
            @Descriptor("the secret (for scripts; without it, it is read from the next input line, not shown)")
            @Parameter(names = {"-s", "--secret"}, absentValue = "") String secret,
            @Descriptor("agent") String agent) {
        Terminal t = Terminal.of(session);
        String agentId = t.typed(agent);
        t.println(memory.withMemory(m -> {
            char[] chars = secret.isEmpty() ? t.readSecret(session, "secret for " + agentId + ": ")
                    : t.typed(secret).toCharArray();
            Credentials credentials = Credentials.secret(agentId, chars);
            Arrays.fill(chars, '\0');
            try {
                AgentSession opened = m.session(credentials);
                Object previous = session.get(SESSION_VARIABLE);
                session.put(SESSION_VARIABLE, opened);
                if (previous instanceof AgentSession p) {
                    p.close();
                }
                return "Logged in as " + opened.agentId() + " until " + opened.expiresAt()
                        + "; commands without -a act as " + opened.agentId() + " (sm:logout ends it)";
            } finally {
                credentials.wipe();
            }
        }));
    }

    /** Any other form of sm:login. */
    @Descriptor("with arguments missing or left over: prints how to call sm:login")
    public void login(CommandSession session, @Descriptor("what was given") Object... arguments) {
        MemoryCommands.usage(session, "login", "[-s secret] <agent>", arguments);
    }

    @Descriptor("end this shell's session; commands act as -a, else operator, again")
    public void logout(CommandSession session) {
        Object current = session.get(SESSION_VARIABLE);
        session.put(SESSION_VARIABLE, null);
        if (current instanceof AgentSession s) {
            s.close();
            MemoryCommands.answer(session, "Logged out " + s.agentId());
        } else {
            MemoryCommands.answer(session, "No session to end");
        }
    }

    /** Any other form of sm:logout. */
    @Descriptor("with arguments missing or left over: prints how to call sm:logout")
    public void logout(CommandSession session, @Descriptor("what was given") Object... arguments) {
        MemoryCommands.usage(session, "logout", "", arguments);
    }
}
