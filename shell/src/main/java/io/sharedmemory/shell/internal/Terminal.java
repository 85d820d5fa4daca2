package io.sharedmemory.shell.internal;

import java.io.PrintStream;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Process;

/**
 * Where a command's answer goes. Every {@code sm:} command prints its text and returns nothing: Felix's Gogo shell
 * prints a command's return value, but Karaf's command channel ({@code bin/client "sm:plugins"}, an SSH exec) does not,
 * so a returned text reached nobody there. Printed once and returned never, the text shows exactly once in both, goes
 * through pipes ({@code sm:keys tasks | grep t1}), and Gogo still captures it as a value with {@code (sm:stats)}.
 */
final class Terminal {
    private final PrintStream out;

    private Terminal(PrintStream out) {
        this.out = out;
    }

    /**
     * @param session the command's session; may be null (unit tests, or a caller outside a shell)
     * @return the output of the pipeline stage running the command (Gogo's and Karaf's runtime both set one), else
     *         the session's console, else {@code System.out}
     */
    static Terminal of(CommandSession session) {
        Process process = Process.Utils.current();
        if (process != null && process.out() != null) {
            return new Terminal(process.out());
        }
        if (session != null && session.getConsole() != null) {
            return new Terminal(session.getConsole());
        }
        return new Terminal(System.out);
    }

    /** Prints the text as one or more whole lines, at once. */
    void println(String text) {
        out.println(text);
        out.flush();
    }

    /** Prints without a line end (a prompt), at once. */
    void print(String text) {
        out.print(text);
        out.flush();
    }
}
