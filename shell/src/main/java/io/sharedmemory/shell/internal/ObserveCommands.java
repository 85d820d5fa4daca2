package io.sharedmemory.shell.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.MemoryStats;

import io.sharedmemory.api.Subscription;
import io.sharedmemory.spi.AccessLog;
import io.sharedmemory.spi.AgentAuthenticator;
import io.sharedmemory.spi.AuditSink;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The observing commands of scope {@code sm}: the access log, statistics, the installed plugins and a live watch of a
 * namespace. Reads the engine through {@link MemoryCommands} so that both agree on whether it is running.
 */
@Component(service = ObserveCommands.class, property = {
        "osgi.command.scope=sm",
        "osgi.command.function=log", "osgi.command.function=stats", "osgi.command.function=plugins",
        "osgi.command.function=watch"})
public final class ObserveCommands {
    private final BundleContext context;
    private final MemoryCommands memory;

    @Activate
    public ObserveCommands(BundleContext context,
                           @org.osgi.service.component.annotations.Reference MemoryCommands memory) {
        this.context = context;
        this.memory = memory;
    }

    @Descriptor("tail the access log, oldest first")
    public void log(
            CommandSession session,
            @Descriptor("only this agent") @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("only this namespace") @Parameter(names = {"-n", "--namespace"}, absentValue = "") String ns,
            @Descriptor("only this action: " + "read, write, delete, subscribe, broadcast, clear, delete_namespace, "
                    + "update_permissions, create_namespace, expire")
            @Parameter(names = {"-x", "--action"}, absentValue = "") String action,
            @Descriptor("only failures") @Parameter(names = {"-f", "--failures"}, presentValue = "true",
                    absentValue = "false") boolean failures,
            @Descriptor("how many of the newest") @Parameter(names = {"-l", "--limit"}, absentValue = "20")
            String limit) {
        Terminal t = Terminal.of(session);
        t.println(memory.withMemory(m -> {
            int newest = MemoryCommands.intOption("-l", limit);
            if (newest < 1) {
                return "Refused: -l: " + newest + " is not a number of entries (1 or more)";
            }
            AccessLogQuery.Builder q = AccessLogQuery.builder().limit(newest);
            if (!agent.isEmpty()) {
                q.agentId(t.typed(agent));
            }
            if (!ns.isEmpty()) {
                q.namespace(t.typed(ns));
            }
            if (!action.isEmpty()) {
                try {
                    q.action(AccessAction.valueOf(action.toUpperCase(Locale.ROOT).replace('-', '_')));
                } catch (IllegalArgumentException e) {
                    return "Unknown action \"" + action + "\": expected one of "
                            + Arrays.stream(AccessAction.values()).map(a -> a.name().toLowerCase(Locale.ROOT)).toList();
                }
            }
            if (failures) {
                q.success(false);
            }
            List<AccessLogEntry> entries = m.getAccessLog(q.build());
            if (entries.isEmpty()) {
                return pluginCount(AccessLog.class) == 0 ? "(no queryable access log installed: no AccessLog service)"
                        : "(no matching access-log entries)";
            }
            StringBuilder sb = new StringBuilder();
            entries.forEach(e -> sb.append(e).append('\n'));
            return sb.toString().stripTrailing();
        }));
    }

    /** Any other form of sm:log. */
    @Descriptor("with arguments missing or left over: prints how to call sm:log")
    public void log(CommandSession session, @Descriptor("what was given") Object... arguments) {
        MemoryCommands.usage(session, "log", "[-a agent] [-n namespace] [-x action] [-f] [-l count]", arguments);
    }

    @Descriptor("show sizes and counts")
    public void stats(CommandSession session) {
        MemoryCommands.answer(session, memory.withMemory(m -> {
            MemoryStats s = m.getStats();
            StringBuilder sb = new StringBuilder();
            sb.append("identity mode ").append(m.identityMode().name().toLowerCase(Locale.ROOT))
                    .append(", namespaces ").append(s.namespaces()).append(", entries ").append(s.totalEntries())
                    .append(", access-log entries ").append(s.totalAccessLogs()).append(", subscriptions ")
                    .append(s.subscriptions()).append(", listeners ").append(s.listeners()).append(", audit failures ")
                    .append(s.auditFailures());
            s.store().forEach((label, value) -> sb.append(System.lineSeparator()).append("  ").append(label)
                    .append(": ").append(value));
            s.namespaceDetails().forEach(n -> sb.append(String.format("%n  %-24s %-12s %6d entries %3d subscribers",
                    n.name(), n.conflictStrategy(), n.entries(), n.subscriptions())));
            // what the store says of itself: for the file store its directory, durability, log and last snapshot
            s.store().forEach((label, value) -> sb.append(String.format("%n  %-14s %s", label, value)));
            return sb.toString();
        }));
    }

    /** Any other form of sm:stats. */
    @Descriptor("with arguments missing or left over: prints how to call sm:stats")
    public void stats(CommandSession session, @Descriptor("what was given") Object... arguments) {
        MemoryCommands.usage(session, "stats", "", arguments);
    }

    @Descriptor("list conflict strategies, permission providers and audit sinks with their bundles; * = in use")
    public void plugins(CommandSession session) {
        MemoryCommands.answer(session, describePlugins());
    }

    /** Any other form of sm:plugins. */
    @Descriptor("with arguments missing or left over: prints how to call sm:plugins")
    public void plugins(CommandSession session, @Descriptor("what was given") Object... arguments) {
        MemoryCommands.usage(session, "plugins", "", arguments);
    }

    private String describePlugins() {
        StringBuilder sb = new StringBuilder();
        section(sb, "Conflict strategies", ConflictStrategy.class, true);
        section(sb, "Permission providers (highest ranking decides; none = every check denied)",
                PermissionProvider.class, false);
        section(sb, "Audit sinks (all receive every entry)", AuditSink.class, false);
        section(sb, "Agent authenticators (highest ranking decides; for sessions)", AgentAuthenticator.class, false);
        return sb.toString().stripTrailing();
    }

    private <S> void section(StringBuilder sb, String title, Class<S> type, boolean named) {
        sb.append(title).append(":\n");
        List<ServiceReference<S>> refs = references(type);
        if (refs.isEmpty()) {
            sb.append("  (none)\n");
            return;
        }
        // ServiceReference.compareTo orders by ranking then id, the engine's rule; reversed = best first
        refs.sort(Comparator.<ServiceReference<S>>naturalOrder().reversed());
        java.util.Set<String> seen = new java.util.HashSet<>();
        boolean first = true;
        for (ServiceReference<S> r : refs) {
            String name = named ? String.valueOf(r.getProperty(ConflictStrategy.NAME_PROPERTY)) : null;
            boolean inUse = named ? seen.add(name) : (type == AuditSink.class || first);
            first = false;
            Object ranking = r.getProperty(Constants.SERVICE_RANKING);
            sb.append(inUse ? "* " : "  ")
                    .append(named ? String.format("%-14s ", name) : "")
                    .append("ranking ").append(ranking == null ? 0 : ranking)
                    .append("  service ").append(r.getProperty(Constants.SERVICE_ID))
                    .append(named ? "" : "  " + className(r))
                    .append("  bundle ").append(r.getBundle() == null ? "?" : r.getBundle().getSymbolicName() + " "
                            + r.getBundle().getVersion() + " [" + r.getBundle().getBundleId() + "]")
                    .append('\n');
        }
    }

    private String className(ServiceReference<?> r) {
        Object pid = r.getProperty("component.name");
        return pid == null ? "" : pid.toString();
    }

    private <S> List<ServiceReference<S>> references(Class<S> type) {
        try {
            return new java.util.ArrayList<>(context.getServiceReferences(type, null));
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private int pluginCount(Class<?> type) {
        return references(type).size();
    }

    @Descriptor("print a namespace's changes as they happen, until Enter is pressed, the count or the time is reached")
    public void watch(
            CommandSession session,
            @Descriptor(MemoryCommands.AGENT_HELP + "; needs read")
            @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("stop after this many events, 0 = no limit")
            @Parameter(names = {"-c", "--count"}, absentValue = "0") String countOption,
            @Descriptor("stop after this many seconds, 0 = no limit")
            @Parameter(names = {"-t", "--timeout"}, absentValue = "0") String timeout,
            @Descriptor("namespace") String namespace) {
        Terminal out = Terminal.of(session);
        out.println(memory.withMemory(m -> {
            int count = MemoryCommands.intOption("-c", countOption);
            long seconds = MemoryCommands.longOption("-t", timeout);
            if (count < 0 || seconds < 0) {
                return "Refused: " + (count < 0 ? "-c: " + count + " is not a number of events"
                        : "-t: " + seconds + " is not a number of seconds") + " (0 = no limit)";
            }
            BlockingQueue<ChangeEvent> events = new LinkedBlockingQueue<>();
            InputStream keyboard = session == null ? null : session.getKeyboard();
            int seen = 0;
            long deadline = seconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds) : Long.MAX_VALUE;
            Actor actor = MemoryCommands.actor(m, session, out.typed(agent));
            String ns = out.typed(namespace);
            try (Subscription sub = actor.subscribe(ns, events::add)) {
                out.println("Watching " + ns + " as " + actor.agentId() + " (press Enter to stop)");
                while (sub.isActive() && (count <= 0 || seen < count) && System.nanoTime() < deadline) {
                    ChangeEvent e = events.poll(200, TimeUnit.MILLISECONDS);
                    if (e != null) {
                        seen++;
                        out.println(format(e));
                    } else if (enterPressed(keyboard)) {
                        break;
                    }
                }
                return "Stopped watching " + ns + " after " + seen + " event" + (seen == 1 ? "" : "s")
                        + (sub.isActive() ? "" : " (the subscription ended)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "Stopped watching " + ns + " after " + seen + " events (interrupted)";
            }
        }));
    }

    /** Any other form of sm:watch. */
    @Descriptor("with arguments missing or left over: prints how to call sm:watch")
    public void watch(CommandSession session, @Descriptor("what was given") Object... arguments) {
        MemoryCommands.usage(session, "watch", "[-a agent] [-c count] [-t seconds] <namespace>", arguments);
    }

    static String format(ChangeEvent e) {
        return e.timestamp() + " " + e.action().name().toLowerCase(Locale.ROOT) + " "
                + (e.key() == null ? "" : e.key() + " ") + "by " + e.agentId()
                + (e.version() > 0 ? " v" + e.version() : "")
                + (e.value() == null ? "" : " " + TypedValue.format(e.value()));
    }

    private static boolean enterPressed(InputStream keyboard) {
        if (keyboard == null) {
            return false;
        }
        try {
            if (keyboard.available() > 0) {
                while (keyboard.available() > 0) {
                    if (keyboard.read() == '\n') {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

}
