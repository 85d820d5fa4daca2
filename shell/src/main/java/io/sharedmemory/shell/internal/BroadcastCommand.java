package io.sharedmemory.shell.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code sm:broadcast [-a agent] <namespace> <message>}: the message is read as {@code sm:write} reads a value. See
 * {@link ValueCommand} for why it reads its arguments itself.
 */
@Component(service = BroadcastCommand.class, property = {"osgi.command.scope=sm", "osgi.command.function=broadcast"})
public final class BroadcastCommand extends ValueCommand {
    static final String SYNTAX = "[-a agent] <namespace> <message>";
    private static final Map<String, String> OPTIONS = Map.of("-a", "agent", "--agent", "agent");

    private final MemoryCommands memory;

    @Activate
    public BroadcastCommand(@Reference MemoryCommands memory) {
        this.memory = memory;
    }

    @Override
    void run(CommandSession session, List<Object> arguments) {
        Line line = parse(arguments, OPTIONS);
        if (line == null || line.operands().size() != 2 || !words(line.operands(), Set.of(0))) {
            MemoryCommands.usage(session, "broadcast", SYNTAX, arguments.toArray());
            return;
        }
        broadcast(session, line.option("agent"), (String) line.operands().get(0), line.operands().get(1));
    }

    /** What {@code help sm:broadcast} shows; Gogo calls {@link #execute} instead, which comes here. */
    @Descriptor("send a message to the namespace's subscribers: JSON, a bare word, a number or a list or map")
    public void broadcast(
            CommandSession session,
            @Descriptor(MemoryCommands.AGENT_HELP) @Parameter(names = {"-a", "--agent"}, absentValue = "")
            String agent,
            @Descriptor("namespace") String namespace,
            @Descriptor("message") Object message) {
        Terminal t = Terminal.of(session);
        t.println(memory.broadcast(session, t, agent, namespace, () -> message instanceof String s
                ? TypedValue.parse(t.typed(s)) : TypedValue.fromGogo(message, t::typed)));
    }
}
