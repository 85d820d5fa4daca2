package io.sharedmemory.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.NamespaceNotFoundException;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Every command answers in one line, and every refusal says what was refused and why. */
class MemoryCommands_MessagesTest {
    private final SharedMemory memory = mock(SharedMemory.class);
    private final MemoryCommands commands = new MemoryCommands(memory);
    private final WriteCommand write = new WriteCommand(commands);
    private final BroadcastCommand broadcast = new BroadcastCommand(commands);
    private final PrintingSession shell = new PrintingSession();
    private final org.apache.felix.service.command.CommandSession session = shell.session;

    @Test
    void withoutTheEngineEveryCommandSaysSo() {
        assertEquals("The sharedmemory engine is not running (no SharedMemory service); try: lb sharedmemory",
                shell.answer(() -> new MemoryCommands().keys(session, "operator", "tasks")));
    }

    @Test
    void aWriteParsesJsonAndReportsTheVersionOrTheRefusal() {
        when(memory.write(eq("tasks"), eq("t1"), any(), eq("operator"), any()))
                .thenReturn(WriteResult.written(3))
                .thenReturn(WriteResult.refused(WriteResult.Status.STRATEGY_UNAVAILABLE, 3,
                        "Strategy \"merge\" is not installed"));
        assertEquals("Written tasks/t1 version 3",
                shell.answer(() -> write.write(session, "operator", "", "tasks", "t1", "{\"a\":[1,2]}")));
        verify(memory).write("tasks", "t1", Map.of("a", List.of(1, 2)), "operator", WriteOptions.none());
        assertEquals("Not written (STRATEGY_UNAVAILABLE): Strategy \"merge\" is not installed",
                shell.answer(() -> write.write(session, "operator", "3", "tasks", "t1", "x")));
        String broken = shell.answer(() -> write.write(session, "operator", "", "tasks", "t1", "{\"a\":"));
        assertTrue(broken.startsWith("Not written: Not valid JSON: ") && broken.contains("column 6"), broken);
    }

    @Test
    void aMissingReadSaysWhyFromTheAccessLog() {
        when(memory.readEntry("tasks", "t9", "visitor")).thenReturn(Optional.empty());
        when(memory.getNamespaceConfig("tasks")).thenReturn(Optional.of(NamespaceConfig.defaults()));
        when(memory.getAccessLog(any())).thenReturn(List.of(new AccessLogEntry(System.currentTimeMillis(),
                "visitor", AccessAction.READ, "tasks", "t9", false, "Key not found")));
        assertEquals("Nothing read: Key not found",
                shell.answer(() -> commands.read(session, "visitor", false, "tasks", "t9")));

        when(memory.getNamespaceConfig("nope")).thenReturn(Optional.empty());
        when(memory.readEntry("nope", "k", "visitor")).thenReturn(Optional.empty());
        assertEquals("Nothing read: namespace \"nope\" does not exist",
                shell.answer(() -> commands.read(session, "visitor", false, "nope", "k")));
    }

    @Test
    void createMakesTheActingAgentAdminAndChecksEveryOption() {
        when(memory.getNamespaceConfig("board")).thenReturn(Optional.empty());
        when(memory.createNamespace(eq("board"), any(), eq("lead"))).thenReturn(true);
        assertEquals("Created namespace board: strategy merge, default none, [worker=write, lead=admin], "
                        + "max 10 entries, ttl 30000 ms",
                shell.answer(() -> commands.create(session, "lead", "merge", "none", "worker=write", "30s", "10",
                        "board")));
        ArgumentCaptor<NamespaceConfig> config = ArgumentCaptor.forClass(NamespaceConfig.class);
        verify(memory).createNamespace(eq("board"), config.capture(), eq("lead"));
        assertEquals(Duration.ofSeconds(30), config.getValue().ttl());
        assertEquals(Permission.ADMIN, config.getValue().permissions().get("lead"));

        assertEquals("Not created: Unknown permission \"superuser\": expected one of none, read, write, admin",
                shell.answer(() -> commands.create(session, "lead", "merge", "superuser", "", "0", "0", "board")));
        assertEquals("Not created: \"soon\" is not a duration (500ms, 30s, 5m, 2h, 1d, PT30S or milliseconds)",
                shell.answer(() -> commands.create(session, "lead", "merge", "read", "", "soon", "0", "board")));
    }

    @Test
    void aNumericOptionThatIsNotANumber_isNamedInTheRefusal() {
        assertEquals("Not created: -m: \"abc\" is not a whole number",
                shell.answer(() -> commands.create(session, "lead", "merge", "read", "", "0", "abc", "board")));
        assertEquals("Not created: -m: 9999999999 is too large",
                shell.answer(() -> commands.create(session, "lead", "merge", "read", "", "0", "9999999999", "board")));
        assertEquals("Not written: -e: \"one\" is not a whole number",
                shell.answer(() -> write.write(session, "operator", "one", "tasks", "t1", "1")));
        verify(memory, org.mockito.Mockito.never()).createNamespace(eq("board"), any(), any());
    }

    @Test
    void theThrowingOperationsBecomeOneLine() {
        org.mockito.Mockito.doThrow(new NamespaceNotFoundException("gone")).when(memory)
                .broadcast(eq("gone"), any(), eq("operator"));
        assertEquals("Refused: Namespace \"gone\" does not exist",
                shell.answer(() -> broadcast.broadcast(session, "operator", "gone", "hi")));
    }

    @Test
    void permissionsAreShownAndChanged() {
        when(memory.getNamespaceConfig("tasks")).thenReturn(Optional.of(NamespaceConfig.builder()
                .permission("planner", Permission.ADMIN).build()));
        assertEquals("default: read\nplanner: admin", shell.answer(() -> commands.perms(session, "tasks")));
        when(memory.updatePermissions("tasks", Map.of("worker", Permission.WRITE), "planner")).thenReturn(true);
        assertEquals("Permissions of tasks updated: [worker=write]",
                shell.answer(() -> commands.perms(session, "planner", "tasks", "worker=write")));
        assertEquals("Permissions not changed: \"worker\" is not agent=permission (permission: none, read, write, "
                + "admin)", shell.answer(() -> commands.perms(session, "planner", "tasks", "worker")));
    }
}
