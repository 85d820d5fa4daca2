package io.sharedmemory.shell.internal;

import io.sharedmemory.api.AccessAction;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The data commands of scope {@code sm}: namespaces, entries and permissions. Every command prints one line (or a
 * short table) for the operator to the session's output ({@link Terminal}); a refusal is a line that starts with what
 * was refused and says why.
 *
 * <p>The engine reference is optional so that the commands stay registered while the engine is down and say so,
 * instead of Gogo's "command not found".
 */
@Component(service = MemoryCommands.class, property = {
        "osgi.command.scope=sm",
        "osgi.command.function=create", "osgi.command.function=write", "osgi.command.function=read",
        "osgi.command.function=delete", "osgi.command.function=keys", "osgi.command.function=namespaces",
        "osgi.command.function=perms", "osgi.command.function=clear", "osgi.command.function=drop",
        "osgi.command.function=broadcast"})
public final class MemoryCommands {
    static final String DEFAULT_AGENT = "operator";
    static final String AGENT_HELP = "acting agent (default: the sm:login session, else " + DEFAULT_AGENT + ")";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile SharedMemory memory;

    public MemoryCommands() {
    }

    MemoryCommands(SharedMemory memory) {
        this.memory = memory;
    }

    @Descriptor("create a namespace, or replace the configuration of an existing one keeping its data; the acting "
            + "agent becomes its admin")
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
        answer(session, withActor(session, agent, (m, a) -> {
            NamespaceConfig config;
            try {
                NamespaceConfig.Builder b = NamespaceConfig.builder()
                        .conflictStrategy(strategy)
                        .defaultPermission(Permission.parse(defaultPermission))
                        .maxEntries(intOption("-m", maxEntries))
                        .ttl(parseDuration(ttl))
                        .permissions(parsePermissions(permissions.isBlank() ? new String[0]
                                : permissions.split(",")));
                config = b.permission(a.agentId(), Permission.ADMIN).build();
            } catch (IllegalArgumentException | NullPointerException e) {
                return "Not created: " + e.getMessage();
            }
            boolean existed = m.getNamespaceConfig(name).isPresent();
            m.createNamespace(name, config);
            return (existed ? "Reconfigured namespace " : "Created namespace ") + name + ": " + describe(config);
        }));
    }

    @Descriptor("write a value (JSON; quote objects in single quotes: '{\"a\":1}'; a bare word is a string)")
    public void write(
            CommandSession session,
            @Descriptor(AGENT_HELP) @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("only write when the key is at this version (0: absent)")
            @Parameter(names = {"-e", "--expect"}, absentValue = "-1") String expect,
            @Descriptor("namespace") String namespace,
            @Descriptor("key") String key,
            @Descriptor("value") Object value) {
        answer(session, withActor(session, agent, (m, a) -> {
            Object parsed;
            long expectedVersion;
            try {
                expectedVersion = longOption("-e", expect);
                parsed = TypedValue.fromGogo(value);
            } catch (IllegalArgumentException e) {
                return "Not written: " + e.getMessage();
            }
            if (parsed == null) {
                return "Not written: null is not a value (delete the key instead)";
            }
            WriteOptions options = expectedVersion < 0 ? WriteOptions.none()
                    : WriteOptions.builder().expectedVersion(expectedVersion).build();
            WriteResult r = a.write(namespace, key, parsed, options);
            return r.isWritten() ? "Written " + namespace + "/" + key + " version " + r.version()
                    : "Not written (" + r.status() + "): " + r.message();
        }));
    }

    @Descriptor("read a value, or the whole entry with -e")
    public void read(
            CommandSession session,
            @Descriptor(AGENT_HELP) @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("show the whole entry: version, owner, time, metadata, expiry")
            @Parameter(names = {"-e", "--entry"}, presentValue = "true", absentValue = "false") boolean entry,
            @Descriptor("namespace") String namespace,
            @Descriptor("key") String key) {
        answer(session, withActor(session, agent, (m, a) -> {
            Optional<MemoryEntry> e = a.readEntry(namespace, key);
            if (e.isEmpty()) {
                return "Nothing read: " + whyNot(m, namespace, a.agentId(), AccessAction.READ, "read", Permission.READ)
                        .orElse("key \"" + key + "\" not found (or expired) in " + namespace);
            }
            MemoryEntry me = e.get();
            if (!entry) {
                return TypedValue.format(me.value());
            }
            return TypedValue.format(me.value()) + "\n  version " + me.version() + ", written by " + me.ownerId() + " at "
                    + me.timestamp() + (me.metadata().isEmpty() ? "" : ", metadata " + TypedValue.format(me.metadata()))
                    + me.expiresAt().map(t -> ", expires " + t).orElse("");
        }));
    }

    @Descriptor("delete a key")
    public void delete(
            CommandSession session,
            @Descriptor(AGENT_HELP) @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("namespace") String namespace,
            @Descriptor("key") String key) {
        answer(session, withActor(session, agent, (m, a) -> a.delete(namespace, key) ? "Deleted " + namespace + "/"
                + key : "Not deleted: " + whyNot(m, namespace, a.agentId(), AccessAction.DELETE, "delete",
                        Permission.WRITE).orElse("key \"" + key + "\" not found (or expired) in " + namespace)));
    }

    @Descriptor("list the keys of a namespace, sorted")
    public void keys(
            CommandSession session,
            @Descriptor(AGENT_HELP) @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("namespace") String namespace) {
        answer(session, withActor(session, agent, (m, a) -> {
            List<String> keys = a.getKeys(namespace);
            if (keys == null) {
                return "No keys: " + whyNot(m, namespace, a.agentId(), AccessAction.READ, "list", Permission.READ)
                        .orElse("refused");
            }
            return keys.isEmpty() ? "(no keys in " + namespace + ")" : String.join("\n", new TreeSet<>(keys));
        }));
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

    @Descriptor("show a namespace's permissions")
    public void perms(CommandSession session, @Descriptor("namespace") String namespace) {
        answer(session, permissionsOf(namespace));
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
        answer(session, withActor(session, agent, (m, a) -> {
            Map<String, Permission> changes;
            try {
                changes = parsePermissions(assignments);
            } catch (IllegalArgumentException e) {
                return "Permissions not changed: " + e.getMessage();
            }
            if (changes.isEmpty()) {
                return permissionsOf(namespace);
            }
            return a.updatePermissions(namespace, changes) ? "Permissions of " + namespace + " updated: "
                    + changes.entrySet().stream().map(e -> e.getKey() + "=" + lower(e.getValue())).toList()
                    : "Permissions not changed: " + whyNot(m, namespace, a.agentId(), AccessAction.UPDATE_PERMISSIONS,
                            "change permissions", Permission.ADMIN).orElse("refused");
        }));
    }

    @Descriptor("remove every entry of a namespace; needs admin")
    public void clear(
            CommandSession session,
            @Descriptor(AGENT_HELP) @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("namespace") String namespace) {
        answer(session, withActor(session, agent, (m, a) -> a.clearNamespace(namespace) ? "Cleared " + namespace
                : "Not cleared: " + whyNot(m, namespace, a.agentId(), AccessAction.CLEAR, "clear", Permission.ADMIN)
                        .orElse("refused")));
    }

    @Descriptor("delete a namespace with its entries; needs admin")
    public void drop(
            CommandSession session,
            @Descriptor(AGENT_HELP) @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("namespace") String namespace) {
        answer(session, withActor(session, agent, (m, a) -> a.deleteNamespace(namespace) ? "Deleted namespace "
                + namespace : "Not deleted: " + whyNot(m, namespace, a.agentId(), AccessAction.DELETE_NAMESPACE,
                        "delete", Permission.ADMIN).orElse("refused")));
    }

    @Descriptor("send a message (JSON) to the namespace's subscribers")
    public void broadcast(
            CommandSession session,
            @Descriptor(AGENT_HELP) @Parameter(names = {"-a", "--agent"}, absentValue = "") String agent,
            @Descriptor("namespace") String namespace,
            @Descriptor("message") Object message) {
        answer(session, withActor(session, agent, (m, a) -> {
            Object parsed = TypedValue.fromGogo(message);
            a.broadcast(namespace, parsed);
            return "Broadcast to " + namespace;
        }));
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
        return withMemory(m -> command.apply(m, actor(m, session, agent)));
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
            return "Refused: " + e.getMessage();
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
