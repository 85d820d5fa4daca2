package io.sharedmemory.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 20: {@code sm:write} as Gogo parses a typed line. An unquoted number keeps every digit, lists and maps
 * Gogo builds become JSON (one that holds itself reaches the memory as it is, to be refused there and recorded), and a
 * negative {@code -e} or missing arguments are one line each.
 */
class WriteCommand_ArgumentsTest {
    private final SharedMemory memory = mock(SharedMemory.class);
    private final ThreadIOImpl threadIO = new ThreadIOImpl();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final AtomicReference<Object> written = new AtomicReference<>();
    private CommandProcessorImpl processor;
    private CommandSession session;

    @BeforeEach
    void startGogo() {
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        processor.addCommand("sm", new WriteCommand(new MemoryCommands(memory)), "write");
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
        when(memory.write(any(), any(), any(), any(), any())).thenAnswer(inv -> {
            written.set(inv.getArgument(2));
            return WriteResult.written(1);
        });
    }

    @AfterEach
    void stopGogo() {
        session.close();
        processor.stop();
        threadIO.stop();
    }

    private String run(String line) throws Exception {
        console.reset();
        written.set(null);
        session.execute(line);
        return console.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void anUnquotedNumber_keepsEveryDigit() throws Exception {
        assertEquals("Written t/k version 1", run("sm:write t k 123456789012345678901234567890"));
        assertEquals(new BigInteger("123456789012345678901234567890"), written.get(), "not 1.2345678901234568E29");
        run("sm:write t k 0.1000000000000000000001");
        assertEquals(new BigDecimal("0.1000000000000000000001"), written.get());
        run("sm:write t k 1.5");
        assertEquals(1.5, written.get());
        run("sm:write t k 42");
        assertEquals(42, written.get());
        run("sm:write t k 007");
        assertEquals("007", written.get(), "not JSON: a word, as typed");
        run("sm:write t k '42'");
        assertEquals(42, written.get());
        run("sm:write t k hello");
        assertEquals("hello", written.get());
    }

    @Test
    void listsAndMapsOfTheCommandLine_becomeJson_andOneThatHoldsItself_goesToTheMemoryAsItIs() throws Exception {
        run("sm:write t k [1 two [a=3]]");
        assertEquals(List.of(1L, "two", Map.of("a", 3L)), written.get(), "Gogo reads the numbers in [ ] as longs");
        String refused = run("sm:write t k [1.5]");
        assertTrue(refused.startsWith("Not written: Gogo read a number of this list or map as the double 1.5"),
                refused);
        run("a = [1]");
        run("b = [$a]");
        run("$a add $b");
        assertEquals("Written t/k version 1", run("sm:write t k $a"), "the memory decides (the mock accepts)");
        List<?> value = (List<?>) written.get();
        List<?> b = (List<?>) value.get(1);
        assertSame(session.get("a"), b.get(0), "the part that holds itself is handed over as Gogo built it");
    }

    @Test
    void optionsAnywhereBeforeTheOperands_andTheirMistakes() throws Exception {
        run("sm:write -a planner -e 3 t k 1");
        verify(memory).write("t", "k", 1, "planner", WriteOptions.builder().expectedVersion(3).build());
        run("sm:write --expect 0 --agent planner t k 2");
        verify(memory).write("t", "k", 2, "planner", WriteOptions.builder().expectedVersion(0).build());
        String refused = run("sm:write -e -5 t k 1");
        assertTrue(refused.startsWith("Not written: -e: -5 is not a version"), refused);
        verify(memory, never()).write(eq("t"), eq("k"), eq(1), eq("operator"), any());
    }

    @Test
    void missingOrLeftOverArguments_printTheUsage() throws Exception {
        assertEquals("Usage: sm:write [-a agent] [-e version] <namespace> <key> <value> (given: tasks; quote a value "
                + "with spaces: 'a b'; help sm:write says more)", run("sm:write tasks"));
        assertTrue(run("sm:write").startsWith("Usage: sm:write "));
        assertTrue(run("sm:write t k v extra").startsWith("Usage: sm:write "));
        assertTrue(run("sm:write -x t k v").startsWith("Usage: sm:write "));
        assertTrue(run("sm:write -a").startsWith("Usage: sm:write "));
    }
}
