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
 * {@code sm:write [-a agent] [-e version] <namespace> <key> <value>}: the value is JSON, a bare word (a string), an
 * unquoted number kept exactly as typed, or a list or map built on the command line ({@code [1 2]}, {@code [a=1]}).
 * See {@link ValueCommand} for why it reads its arguments itself.
 */
@Component(service = WriteCommand.class, property = {"osgi.command.scope=sm", "osgi.command.function=write"})
public final class WriteCommand extends ValueCommand {
    static final String SYNTAX = "[-a agent] [-e version] <namespace> <key> <value>";
    private static final Map<String, String> OPTIONS = Map.of("-a", "agent", "--agent", "agent", "-e", "expect",
            "--expect", "expect");

    private final MemoryCommands memory;

    @Activate
    public WriteCommand(@Reference MemoryCommands memory) {
        this.memory = memory;
    }

    @Override
    void run(CommandSession session, List<Object> arguments) {
        Line line = parse(arguments, OPTIONS);
        if (line == null || line.operands().size() != 3 || !words(line.operands(), Set.of(0, 1))) {
            MemoryCommands.usage(session, "write", SYNTAX, arguments.toArray());
            return;
        }
        write(session, line.option("agent"), line.option("expect"), (String) line.operands().get(0),
                (String) line.operands().get(1), line.operands().get(2));
    }

    /** What {@code help sm:write} shows; Gogo calls {@link #execute} instead, which comes here. */
    @Descriptor("write a value: JSON (quote objects in single quotes: '{\"a\":1}'), a bare word (a string), a number "
            + "(kept exactly as typed), or a list or map built on the command line ([1 2], [a=1])")
    public void write(
            CommandSession session,
            @Descriptor(MemoryCommands.AGENT_HELP) @Parameter(names = {"-a", "--agent"}, absentValue = "")
            String agent,
            @Descriptor("only write while the key is at this version (0: while it is absent)")
            @Parameter(names = {"-e", "--expect"}, absentValue = "") String expect,
            @Descriptor("namespace") String namespace,
            @Descriptor("key") String key,
            @Descriptor("value") Object value) {
        Terminal t = Terminal.of(session);
        t.println(memory.write(session, t, agent, expect, namespace, key, () -> value instanceof String s
                ? TypedValue.parse(t.typed(s)) : TypedValue.fromGogo(value, t::typed)));
    }
}
