package io.sharedmemory.shell.internal;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.felix.service.command.CommandSession;

/** A command session whose console is kept, so a test reads what a command printed, as an operator would. */
final class PrintingSession {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final Map<String, Object> variables = new HashMap<>();
    final CommandSession session = mock(CommandSession.class);

    PrintingSession() {
        this(new ByteArrayInputStream(new byte[0]));
    }

    PrintingSession(InputStream keyboard) {
        when(session.getConsole()).thenReturn(new PrintStream(printed, true, StandardCharsets.UTF_8));
        when(session.getKeyboard()).thenReturn(keyboard);
        when(session.get(org.mockito.ArgumentMatchers.anyString()))
                .thenAnswer(inv -> variables.get(inv.<String>getArgument(0)));
        when(session.put(org.mockito.ArgumentMatchers.anyString(), org.mockito.ArgumentMatchers.any()))
                .thenAnswer(inv -> variables.put(inv.getArgument(0), inv.getArgument(1)));
    }

    /** Runs a command and returns what it printed, without the last line end. */
    String answer(Runnable command) {
        printed.reset();
        command.run();
        return withoutLastLineEnd(printed.toString(StandardCharsets.UTF_8));
    }

    /** Everything printed since the last {@link #answer}. */
    String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    static String withoutLastLineEnd(String s) {
        String end = System.lineSeparator();
        return s.endsWith(end) ? s.substring(0, s.length() - end.length()) : s;
    }
}
