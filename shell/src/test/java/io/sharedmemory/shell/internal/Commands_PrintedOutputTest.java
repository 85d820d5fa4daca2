package io.sharedmemory.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.sharedmemory.api.MemoryStats;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The commands run by the real Gogo runtime, read the two ways a shell reads them: Karaf's command channel
 * ({@code bin/client "sm:namespaces"}) ignores a command's return value, Felix's Gogo shell prints it. The answer must
 * show in the first and show once in the second.
 */
class Commands_PrintedOutputTest {
    private final SharedMemory memory = mock(SharedMemory.class);
    private final ThreadIOImpl threadIO = new ThreadIOImpl();
    private CommandProcessorImpl processor;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private CommandSession session;

    @BeforeEach
    void startGogo() {
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        MemoryCommands commands = new MemoryCommands(memory);
        for (String f : new String[] {"namespaces", "perms", "keys"}) {
            processor.addCommand("sm", commands, f);
        }
        ObserveCommands observe = new ObserveCommands(null, commands);
        processor.addCommand("sm", observe, "stats");
        processor.addCommand("test", new Lines(), "lines");
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);

        when(memory.getStats()).thenReturn(new MemoryStats(1, 2, 3, 0, 0, 0, List.of(new MemoryStats.NamespaceStats(
                "tasks", 2, Permission.READ, Map.of(), "merge", 0))));
        when(memory.identityMode()).thenReturn(io.sharedmemory.api.IdentityMode.TRUSTED);
        when(memory.getNamespaceConfig("tasks")).thenReturn(Optional.of(NamespaceConfig.builder()
                .permission("planner", Permission.ADMIN).build()));
        when(memory.getKeys("tasks", "operator")).thenReturn(List.of("t2", "t1"));
    }

    @AfterEach
    void stopGogo() {
        session.close();
        processor.stop();
        threadIO.stop();
    }

    private static final String NAMESPACES = String.format("%-24s %-12s %6d entries", "tasks", "merge", 2);

    @Test
    void aCallerThatIgnoresTheReturnValue_seesTheAnswer_likeKarafsCommandChannel() throws Exception {
        assertNull(session.execute("sm:namespaces"), "nothing is returned, so nothing is printed twice");
        assertEquals(NAMESPACES + System.lineSeparator(), console.toString(StandardCharsets.UTF_8));
    }

    @Test
    void felixGogoShell_printsTheAnswerExactlyOnce() throws Exception {
        for (String line : new String[] {"sm:namespaces", "sm:perms tasks", "sm:keys tasks"}) {
            // what Felix's Gogo console does with every line: execute it, print a result that is not null
            Object result = session.execute(line);
            if (result != null) {
                session.getConsole().println(session.format(result, Converter.INSPECT));
            }
        }
        String nl = System.lineSeparator();
        assertEquals(NAMESPACES + nl + "default: read" + nl + "planner: admin" + nl + "t1" + nl + "t2" + nl,
                console.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theAnswerGoesThroughAPipe_andIsCapturedAsAValue() throws Exception {
        assertEquals("2 lines", session.execute("sm:keys tasks | test:lines"));
        assertEquals("", console.toString(StandardCharsets.UTF_8), "piped, not printed");
        session.execute("stats = (sm:stats)");
        Object captured = session.get("stats");
        assertEquals(true, String.valueOf(captured).startsWith("identity mode trusted, namespaces 1, entries 2"),
                String.valueOf(captured));
        assertEquals("", console.toString(StandardCharsets.UTF_8), "a captured answer is not also printed");
    }

    /** The next stage of a pipe: counts the lines it reads. */
    public static final class Lines {
        public String lines() throws java.io.IOException {
            String text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            return text.lines().count() + " lines";
        }
    }
}
