package io.sharedmemory.shell.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;

/**
 * A command that takes a value ({@code sm:write}, {@code sm:broadcast}) and so reads its arguments itself, as Gogo
 * passes them to a {@link Function}: a word as typed, a quoted text without its quotes, a list or map Gogo built.
 *
 * <p>Why not a method Gogo calls by reflection, as the other commands are. Gogo reads an unquoted word that looks
 * like a number as a double before it chooses a method, whenever the parameter can take one: an unquoted
 * {@code 123456789012345678901234567890} reached the command as {@code 1.2345678901234568E29}, its digits gone. A
 * {@code String} parameter keeps the word, but then Gogo turns a list given in that place into text, and a list that
 * holds itself through another one into a stack overflow, before the command is called. A {@code Function} is handed
 * the words and the lists as they are.
 *
 * <p>The options are read as Gogo's {@code @Parameter} would: {@code -a agent}, {@code --agent agent}, anywhere
 * before the operands; the documented method of each subclass (never called by Gogo, which calls
 * {@link #execute}) is what {@code help} shows.
 */
abstract class ValueCommand implements Function {
    /** The options and operands of one command line. */
    record Line(Map<String, String> options, List<Object> operands) {
        String option(String name) {
            return options.getOrDefault(name, "");
        }
    }

    /**
     * @param arguments what Gogo passes
     * @param options option spelling (such as {@code -a}, {@code --agent}) → the option's name
     * @return the line, or null when an option lacks its value or is not one of these
     */
    static Line parse(List<Object> arguments, Map<String, String> options) {
        Map<String, String> values = new HashMap<>();
        List<Object> operands = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            Object a = arguments.get(i);
            if (operands.isEmpty() && a instanceof String s && s.startsWith("-") && s.length() > 1
                    && !Character.isDigit(s.charAt(1))) {
                String name = options.get(s);
                if (name == null || i + 1 >= arguments.size() || !(arguments.get(i + 1) instanceof String v)) {
                    return null;
                }
                values.put(name, v);
                i++;
            } else {
                operands.add(a);
            }
        }
        return new Line(values, operands);
    }

    /** @return whether every operand at these positions is a word (a namespace, a key) */
    static boolean words(List<Object> operands, Set<Integer> positions) {
        return positions.stream().allMatch(i -> i < operands.size() && operands.get(i) instanceof String);
    }

    /** Runs the command, printing its answer; Gogo gets nothing back to print a second time. */
    @Override
    public final Object execute(CommandSession session, List<Object> arguments) {
        // a word arrives as Gogo's token (a CharSequence) or, through Gogo's command proxy, as its text
        List<Object> words = new ArrayList<>(arguments.size());
        for (Object a : arguments) {
            words.add(a instanceof CharSequence c ? c.toString() : a);
        }
        run(session, words);
        return null;
    }

    abstract void run(CommandSession session, List<Object> arguments);
}
