package io.sharedmemory.shell.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The data commands of scope {@code sm}: namespaces, entries and permissions ({@code sm:write} and
 * {@code sm:broadcast}, which take a value, are {@link WriteCommand} and {@link BroadcastCommand}). Every command
 * prints one line (or a short table) for the operator to the session's output ({@link Terminal}); a refusal is a line
 * that starts with what was refused and says why, and so is a command typed with arguments missing or left over (each
 * command has a form that takes anything and prints its usage, in place of Gogo's "Cannot coerce").
 *
 * <p>Who acts: the agent named with {@code -a}, else the session opened with {@code sm:login}, else
 * {@value #DEFAULT_AGENT}. A bare agent id is what the engine believes in its {@code trusted} identity mode; in
 * {@code authenticated} mode it refuses it (and records the refusal), so the shell then acts only through
 * {@code sm:login}. Creating a namespace is an agent's act too: a new one makes the agent its admin, an existing one is
 * reconfigured only by one of its admins.
 *
 * <p>The engine reference is optional so that the commands stay registered while the engine is down and say so,
 * instead of Gogo's "command not found".
 */
@Component(service = MemoryCommands.class, property = {
        "osgi.command.scope=sm",
        "osgi.command.function=create", "osgi.command.function=read", "osgi.command.function=delete",
        "osgi.command.function=keys", "osgi.command.function=namespaces", "osgi.command.function=perms",
        "osgi.command.function=clear", "osgi.command.function=drop"})
public final class MemoryCommands {
    static final String DEFAULT_AGENT = "operator";
    static final String AGENT_HELP = "acting agent (default: the sm:login session, else " + DEFAULT_AGENT + ")";
    /** How the engine's refusal of a bare agent id in authenticated mode begins. */
    static final String SESSION_REQUIRED = "Identity mode is authenticated";
    private static final String LOGIN_HINT = " (the shell acts only through sm:login <agent> in this mode)";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile SharedMemory memory;

    public MemoryCommands() {
    }

    MemoryCommands(SharedMemory memory) {
        this.memory = memory;
    }

    @Descriptor("create a namespace (the acting agent becomes its admin), or reconfigure one keeping its data (needs "
            + "admin on it)")
    public void create(
            CommandSession session,
            @Descriptor(AGENT_HELP + "; made admin of the namespace")
            @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("conflict strategy: latest-wins, first-wins, merge, version, custom or a plugin's name")
            @Parameter(names = {"-s", "--strategy"}, absentValue = NamespaceConfig.LATEST_WINS) String strategy,
            @Descriptor("permission of agents without an override: none, read, write, admin")
            @Parameter(names = {"-d", "--default-permission"}, absentValue = "read") String defaultPermission,
            @Descriptor("per-agent permissions, comma-separated agent=permission")
            @Parameter(names = {"-p", "--permissions"}, absentValue = "") String permissions,
            @Descriptor("time to live of entries: 500ms, 30s, 5m, 2h, 1d, PT30S or milliseconds; 0 = forever")
            @Parameter(names = {"-t", "--ttl"}, absentValue = "0") String ttl,
            @Descriptor("most live entries, 0 = unlimited")
            @Parameter(names = {"-m", "--max-entries"}, absentValue = "0") String maxEntries,
            @Descriptor("namespace name") String name) {
        Terminal t = Terminal.of(session);
        String namespace = t.typed(name);
        t.println(withActor(session, t.typed(agent), (m, a) -> {
            NamespaceConfig config;
            try {
                NamespaceConfig.Builder b = NamespaceConfig.builder()
                        .conflictStrategy(t.typed(strategy))
                        .defaultPermission(Permission.parse(defaultPermission))
                        .maxEntries(intOption("-m", maxEntries))
                        .ttl(parseDuration(ttl))
                        .permissions(parsePermissions(t.typed(permissions).isBlank() ? new String[0]
                                : t.typed(permissions).split(",")));
                config = b.permission(a.agentId(), Permission.ADMIN).build();
            } catch (IllegalArgumentException | NullPointerException e) {
                return "Not created: " + e.getMessage();
            }
            boolean existed = m.getNamespaceConfig(namespace).isPresent();
            try {
                return (a.createNamespace(namespace, config) ? "Created namespace " : "Reconfigured namespace ")
                        + namespace + ": " + describe(config);
            } catch (AccessDeniedException e) {
                return (existed ? "Not reconfigured: " : "Not created: ") + e.getMessage();
            }
        }));
    }

    /** {@code sm:write} ({@link WriteCommand}): writes the value as the acting agent, and says what happened. */
    String write(CommandSession session, Terminal t, String agent, String expect, String namespace, String key,
                 Supplier<Object> value) {
        String ns = t.typed(namespace);
        String k = t.typed(key);
        return withActor(session, t.typed(agent), (m, a) -> {
            Object parsed;
            WriteOptions options;
            try {
                options = expectedVersion(expect);
                parsed = value.get();
            } catch (IllegalArgumentException e) {
                return "Not written: " + e.getMessage();
            }
            if (parsed == null) {
                return "Not written: null is not a value (delete the key instead)";
            }
            WriteResult r = a.write(ns, k, parsed, options);
            return r.isWritten() ? "Written " + ns + "/" + k + " version " + r.version()
                    : "Not written (" + r.status() + "): " + r.message();
        });
    }

    /** {@code -e}: absent, or the version the key must be at; a negative number is a mistake, not "no condition". */
    static WriteOptions expectedVersion(String text) {
        if (text == null || text.isEmpty()) {
            return WriteOptions.none();
        }
        long v = longOption("-e", text);
        if (v < 0) {
            throw new IllegalArgumentException("-e: " + v + " is not a version (0: only while the key is absent; 1 or"
                    + " more: only while the key is at that version)");
        }
        return WriteOptions.builder().expectedVersion(v).build();
    }

    @Descriptor("read a value, or the whole entry with -e")
    public void read(
            CommandSession session,
            @Descriptor(AGENT_HELP) @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("show the whole entry: version, owner, time, metadata, expiry")
            @Parameter(names = {"-e", "--entry"}, presentValue = "true", absentValue = "false") boolean entry,
            @Descriptor("namespace") String namespace,
            @Descriptor("key") String key) {
        Terminal t = Terminal.of(session);
        String ns = t.typed(namespace);
        String k = t.typed(key);
        t.println(withActor(session, t.typed(agent), (m, a) -> {
            Optional<MemoryEntry> e = a.readEntry(ns, k);
            if (e.isEmpty()) {
                return "Nothing read: " + whyNot(m, ns, a.agentId(), AccessAction.READ, "read", Permission.READ)
                        .orElse("key \"" + k + "\" not found (or expired) in " + ns);
            }
            MemoryEntry me = e.get();
            if (!entry) {
                return TypedValue.format(me.value());
            }
            return TypedValue.format(me.value()) + "\n  version " + me.version() + ", written by " + me.ownerId()
                    + " at " + me.timestamp() + (me.metadata().isEmpty() ? "" : ", metadata "
                    + TypedValue.format(me.metadata())) + me.expiresAt().map(x -> ", expires " + x).orElse("");
        }));
    }

    /** Any other form of sm:read. */
    @Descriptor("with arguments missing or left over: prints how to call sm:read")
    public void read(CommandSession session, @Descriptor("what was given") Object... arguments) {
        usage(session, "read", "[-a agent] [-e] <namespace> <key>", arguments);
    }

    @Descriptor("delete a key")
    public void delete(
            CommandSession session,
            @Descriptor(AGENT_HELP) @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("namespace") String namespace,
            @Descriptor("key") String key) {
        Terminal t = Terminal.of(session);
        String ns = t.typed(namespace);
        String k = t.typed(key);
        t.println(withActor(session, t.typed(agent), (m, a) -> a.delete(ns, k) ? "Deleted " + ns + "/" + k
                : "Not deleted: " + whyNot(m, ns, a.agentId(), AccessAction.DELETE, "delete", Permission.WRITE)
                        .orElse("key \"" + k + "\" not found (or expired) in " + ns)));
    }

    /** Any other form of sm:delete. */
    @Descriptor("with arguments missing or left over: prints how to call sm:delete")
    public void delete(CommandSession session, @Descriptor("what was given") Object... arguments) {
        usage(session, "delete", "[-a agent] <namespace> <key>", arguments);
    }

    @Descriptor("list the keys of a namespace, sorted")
    public void keys(
            CommandSession session,
            @Descriptor(AGENT_HELP) @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("namespace") String namespace) {
        Terminal t = Terminal.of(session);
        String ns = t.typed(namespace);
        t.println(withActor(session, t.typed(agent), (m, a) -> {
            List<String> keys = a.getKeys(ns);
            if (keys == null) {
                return "No keys: " + whyNot(m, ns, a.agentId(), AccessAction.READ, "list", Permission.READ)
                        .orElse("refused");
            }
            return keys.isEmpty() ? "(no keys in " + ns + ")" : String.join("\n", new TreeSet<>(keys));
        }));
    }

    /** Any other form of sm:keys. */
    @Descriptor("with arguments missing or left over: prints how to call sm:keys")
    public void keys(CommandSession session, @Descriptor("what was given") Object... arguments) {
        usage(session, "keys", "[-a agent] <namespace>", arguments);
    }

    @Descriptor("list the namespaces with their strategy and size")
    public void namespaces(CommandSession session) {
        answer(session, withMemory(m -> {
            StringBuilder sb = new StringBuilder();
            m.getStats().namespaceDetails().forEach(n -> sb.append(String.format("%-24s %-12s %6d entries%n",
                    n.name(), n.conflictStrategy(), n.entries())));
            return sb.length() == 0 ? "(no namespaces)" : sb.toString().stripTrailing();
        }));
    }

    /** Any other form of sm:namespaces. */
    @Descriptor("with arguments missing or left over: prints how to call sm:namespaces")
    public void namespaces(CommandSession session, @Descriptor("what was given") Object... arguments) {
        usage(session, "namespaces", "", arguments);
    }

    @Descriptor("show a namespace's permissions")
    public void perms(CommandSession session, @Descriptor("namespace") String namespace) {
        answer(session, permissionsOf(Terminal.of(session).typed(namespace)));
    }

    private String permissionsOf(String namespace) {
        return withMemory(m -> m.getNamespaceConfig(namespace)
                .map(c -> {
                    StringBuilder sb = new StringBuilder("default: " + lower(c.defaultPermission()));
                    c.permissions().forEach((a, p) -> sb.append('\n').append(a).append(": ").append(lower(p)));
                    return sb.toString();
                })
                .orElse(noNamespace(namespace)));
    }

    @Descriptor("set per-agent permissions (merged into the existing ones; none removes access); needs admin")
    public void perms(
            CommandSession session,
            @Descriptor(AGENT_HELP + "; an admin of the namespace")
            @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("namespace") String namespace,
            @Descriptor("agent=permission ...") String... assignments) {
        Terminal t = Terminal.of(session);
        String ns = t.typed(namespace);
        t.println(withActor(session, t.typed(agent), (m, a) -> {
            Map<String, Permission> changes;
            try {
                changes = parsePermissions(Arrays.stream(assignments).map(t::typed).toArray(String[]::new));
            } catch (IllegalArgumentException e) {
                return "Permissions not changed: " + e.getMessage();
            }
            if (changes.isEmpty()) {
                return permissionsOf(ns);
            }
            return a.updatePermissions(ns, changes) ? "Permissions of " + ns + " updated: "
                    + changes.entrySet().stream().map(e -> e.getKey() + "=" + lower(e.getValue())).toList()
                    : "Permissions not changed: " + whyNot(m, ns, a.agentId(), AccessAction.UPDATE_PERMISSIONS,
                            "change permissions", Permission.ADMIN).orElse("refused");
        }));
    }

    /** Any other form of sm:perms. */
    @Descriptor("with arguments missing or left over: prints how to call sm:perms")
    public void perms(CommandSession session, @Descriptor("what was given") Object... arguments) {
        usage(session, "perms", "<namespace>  or  sm:perms [-a agent] <namespace> <agent=permission>...", arguments);
    }

    @Descriptor("remove every entry of a namespace; needs admin")
    public void clear(
            CommandSession session,
            @Descriptor(AGENT_HELP) @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("namespace") String namespace) {
        Terminal t = Terminal.of(session);
        String ns = t.typed(namespace);
        t.println(withActor(session, t.typed(agent), (m, a) -> a.clearNamespace(ns) ? "Cleared " + ns
                : "Not cleared: " + whyNot(m, ns, a.agentId(), AccessAction.CLEAR, "clear", Permission.ADMIN)
                        .orElse("refused")));
    }

    /** Any other form of sm:clear. */
    @Descriptor("with arguments missing or left over: prints how to call sm:clear")
    public void clear(CommandSession session, @Descriptor("what was given") Object... arguments) {
        usage(session, "clear", "[-a agent] <namespace>", arguments);
    }

    @Descriptor("delete a namespace with its entries; needs admin")
    public void drop(
            CommandSession session,
            @Descriptor(AGENT_HELP) @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("namespace") String namespace) {
        Terminal t = Terminal.of(session);
        String ns = t.typed(namespace);
        t.println(withActor(session, t.typed(agent), (m, a) -> a.deleteNamespace(ns) ? "Deleted namespace " + ns
                : "Not deleted: " + whyNot(m, ns, a.agentId(), AccessAction.DELETE_NAMESPACE, "delete",
                        Permission.ADMIN).orElse("refused")));
    }

    /** Any other form of sm:drop. */
    @Descriptor("with arguments missing or left over: prints how to call sm:drop")
    public void drop(CommandSession session, @Descriptor("what was given") Object... arguments) {
        usage(session, "drop", "[-a agent] <namespace>", arguments);
    }

    /** {@code sm:broadcast} ({@link BroadcastCommand}): sends the message as the acting agent. */
    String broadcast(CommandSession session, Terminal t, String agent, String namespace, Supplier<Object> message) {
        String ns = t.typed(namespace);
        return withActor(session, t.typed(agent), (m, a) -> {
            Object parsed;
            try {
                parsed = message.get();
            } catch (IllegalArgumentException e) {
                return "Not broadcast: " + e.getMessage();
            }
            a.broadcast(ns, parsed);
            return "Broadcast to " + ns;
        });
    }

    /**
     * The answer to a command typed with arguments missing or left over: its usage, and what it was given. Gogo's own
     * "Cannot coerce ... to any of [...]" names Java types, not the command's arguments.
     */
    static void usage(CommandSession session, String command, String syntax, Object... given) {
        answer(session, "Usage: sm:" + command + (syntax.isEmpty() ? "" : " " + syntax) + " (given: "
                + (given.length == 0 ? "no arguments" : Arrays.stream(given).map(String::valueOf)
                        .collect(Collectors.joining(" "))) + "; quote a value with spaces: 'a b'; help sm:"
                + command + " says more)");
    }

    /** Prints a command's answer to the session's output. */
    static void answer(CommandSession session, String text) {
        Terminal.of(session).println(text);
    }

    /**
     * Runs a command as an agent: the one named with {@code -a}, else the session opened with {@code sm:login} in this
     * shell, else {@value #DEFAULT_AGENT}.
     */
    String withActor(CommandSession session, String agent, BiFunction<SharedMemory, Actor, String> command) {
        return withMemory(m -> {
            Actor actor = actor(m, session, agent);
            String answer = command.apply(m, actor);
            // the engine refused (and recorded) a bare id: say how the shell acts in this mode
            return actor.isSession() || !answer.contains(SESSION_REQUIRED) ? answer : answer + LOGIN_HINT;
        });
    }

    static Actor actor(SharedMemory m, CommandSession session, String agent) {
        if (agent != null && !agent.isEmpty()) {
            return Actor.bare(m, agent);
        }
        Object login = session == null ? null : session.get(LoginCommands.SESSION_VARIABLE);
        return login instanceof AgentSession s ? Actor.session(s) : Actor.bare(m, DEFAULT_AGENT);
    }

    /** Runs a command against the engine, turning its absence and its deliberate exceptions into one line. */
    String withMemory(Function<SharedMemory, String> command) {
        SharedMemory m = memory;
        if (m == null) {
            return "The sharedmemory engine is not running (no SharedMemory service); try: lb sharedmemory";
        }
        try {
            return command.apply(m);
        } catch (SharedMemoryException | IllegalArgumentException | IllegalStateException e) {
            String answer = "Refused: " + e.getMessage();
            return answer.contains(SESSION_REQUIRED) && !answer.contains(LOGIN_HINT) ? answer + LOGIN_HINT : answer;
        }
    }

    /**
     * The access log has the engine's exact reason, but only when a queryable log is installed; the cheap facts the
     * shell can check itself come first.
     */
    static Optional<String> whyNot(SharedMemory m, String namespace, String agent, AccessAction action, String what,
                                   Permission needed) {
        if (m.getNamespaceConfig(namespace).isEmpty()) {
            return Optional.of(noNamespace(namespace));
        }
        // the newest failure of this agent and action here, if it is the one that just happened
        return m.getAccessLog(AccessLogQuery.builder().agentId(agent).namespace(namespace).action(action)
                        .success(false).limit(1).build()).stream()
                .filter(e -> e.timestampMillis() >= System.currentTimeMillis() - 2_000)
                .map(e -> e.error())
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .or(() -> m.getNamespaceConfig(namespace)
                        .filter(c -> !c.permissions().getOrDefault(agent, c.defaultPermission()).implies(needed))
                        .map(c -> agent + " may not " + what + " in " + namespace + " (needs "
                                + lower(needed) + ")"));
    }

    static String noNamespace(String namespace) {
        return "namespace \"" + namespace + "\" does not exist";
    }

    static String describe(NamespaceConfig c) {
        return "strategy " + c.conflictStrategy() + ", default " + lower(c.defaultPermission())
                + (c.permissions().isEmpty() ? "" : ", " + c.permissions().entrySet().stream()
                        .map(e -> e.getKey() + "=" + lower(e.getValue())).toList())
                + (c.maxEntries() == 0 ? "" : ", max " + c.maxEntries() + " entries")
                + (c.ttl().isZero() ? "" : ", ttl " + c.ttl().toMillis() + " ms");
    }

    static String lower(Permission p) {
        return p.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * @param items {@code agent=permission}, each possibly a comma-separated list of them
     * @return agent → permission in the given order
     */
    static Map<String, Permission> parsePermissions(String... items) {
        Map<String, Permission> map = new LinkedHashMap<>();
        for (String item : items) {
            for (String one : item.split(",")) {
                if (one.isBlank()) {
                    continue;
                }
                int eq = one.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("\"" + one.strip()
                            + "\" is not agent=permission (permission: none, read, write, admin)");
                }
                map.put(one.substring(0, eq).strip(), Permission.parse(one.substring(eq + 1)));
            }
        }
        return map;
    }

    /**
     * Numeric options are taken as text and parsed here: Gogo's own refusal of a value it cannot convert names Java
     * types, not the option.
     */
    static long longOption(String option, String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": \"" + text + "\" is not a whole number");
        }
    }

    static int intOption(String option, String text) {
        long n = longOption(option, text);
        if (n != (int) n) {
            throw new IllegalArgumentException(option + ": " + text + " is too large");
        }
        return (int) n;
    }

    /** @return 500ms, 30s, 5m, 2h, 1d, ISO-8601 or plain milliseconds as a duration */
    static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).strip()));
            }
            long n = Long.parseLong(t.replaceAll("[smhd]$", "").strip());
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> Duration.ofMillis(n);
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration (500ms, 30s, 5m, 2h, 1d, PT30S or "
                    + "milliseconds)");
        }
    }
}
