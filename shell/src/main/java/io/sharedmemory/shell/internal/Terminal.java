package io.sharedmemory.shell.internal;

import java.io.Console;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Process;

/**
 * The operator's side of a command: where its answer goes, what the operator typed, and how a secret is read.
 *
 * <p>Output. Every {@code sm:} command prints its text and returns nothing: Felix's Gogo shell prints a command's
 * return value, but Karaf's command channel ({@code bin/client "sm:plugins"}, an SSH exec) does not, so a returned
 * text reached nobody there. Printed once and returned never, the text shows exactly once in both, goes through pipes
 * ({@code sm:keys tasks | grep t1}), and Gogo still captures it as a value with {@code (sm:stats)}.
 *
 * <p>Input. The Felix Gogo shell of the executable jar ({@code org.apache.felix.gogo.shell} 1.1.4) reads the terminal
 * one byte at a time and takes each byte for a character, so the UTF-8 of {@code kä} reaches a command as {@code kÃ¤}
 * and {@code 名} as three characters, one of them the control character U+0090. In that console only (its keyboard is
 * the process's standard input), {@link #typed} decodes such text back: text whose characters are all bytes and whose
 * bytes are valid UTF-8 with at least one multi-byte sequence is what the operator typed in UTF-8; anything else
 * (plain ASCII, a Latin-1 terminal's single bytes) is left as it is. In that console the answer is written as UTF-8
 * too, whatever the JVM's default charset. Karaf's console and SSH sessions decode their input themselves.
 */
final class Terminal {
    private final PrintStream out;
    private final boolean byteConsole;

    private Terminal(PrintStream out, boolean byteConsole) {
        this.out = out;
        this.byteConsole = byteConsole;
    }

    /**
     * @param session the command's session; may be null (unit tests, or a caller outside a shell)
     * @return the output of the pipeline stage running the command (Gogo's and Karaf's runtime both set one), else
     *         the session's console, else {@code System.out}
     */
    static Terminal of(CommandSession session) {
        boolean byteConsole = isByteConsole(session);
        Process process = Process.Utils.current();
        if (process != null && process.out() != null) {
            return new Terminal(process.out(), byteConsole);
        }
        if (session != null && session.getConsole() != null) {
            return new Terminal(session.getConsole(), byteConsole);
        }
        return new Terminal(System.out, byteConsole);
    }

    /** The Felix Gogo shell's console reads the process's standard input itself, a byte per character. */
    static boolean isByteConsole(CommandSession session) {
        return session != null && session.getKeyboard() instanceof FileInputStream;
    }

    /** Prints the text as one or more whole lines, at once. */
    void println(String text) {
        print(text + System.lineSeparator());
    }

    /** Prints without a line end (a prompt), at once. */
    void print(String text) {
        if (byteConsole) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            out.write(bytes, 0, bytes.length);
        } else {
            out.print(text);
        }
        out.flush();
    }

    /** @return an argument as the operator typed it (see the class comment); null stays null */
    String typed(String argument) {
        return byteConsole ? fromBytes(argument) : argument;
    }

    /**
     * @param text characters that may each stand for one byte of UTF-8
     * @return the UTF-8 they spell when they are all bytes and spell valid UTF-8 beyond ASCII, else the text itself
     */
    static String fromBytes(String text) {
        if (text == null) {
            return null;
        }
        boolean beyondAscii = false;
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0xFF) {
                return text;
            }
            beyondAscii |= c >= 0x80;
            bytes[i] = (byte) c;
        }
        if (!beyondAscii) {
            return text;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            return text;
        }
    }

    /**
     * Reads a secret without showing it. On the process's own terminal the terminal's echo is turned off while it is
     * typed; elsewhere (a pipe, a script, a remote session) one line is read from the session's keyboard, which
     * echoes nothing here.
     *
     * @return the secret's characters; the caller wipes them
     */
    char[] readSecret(CommandSession session, String prompt) {
        Console console = System.console();
        if (console != null && byteConsole) {
            char[] secret = console.readPassword("%s", prompt);
            return secret == null ? new char[0] : secret;
        }
        print(prompt);
        InputStream in = session.getKeyboard();
        byte[] line = new byte[64];
        int n = 0;
        try {
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                if (c == '\r') {
                    continue;
                }
                if (n == line.length) {
                    byte[] bigger = Arrays.copyOf(line, n * 2);
                    Arrays.fill(line, (byte) 0);
                    line = bigger;
                }
                line[n++] = (byte) c;
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not read the secret: " + e.getMessage());
        }
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(line, 0, n));
        char[] secret = new char[chars.remaining()];
        chars.get(secret);
        Arrays.fill(line, (byte) 0);
        Arrays.fill(chars.array(), '\0');
        return secret;
    }
}
