package io.sharedmemory.engine.internal.values;

import io.sharedmemory.api.SharedMemory;

/** The documented limits on namespace names, keys and agent ids. */
public final class Names {
    private Names() {
    }

    /** @return null when valid, else why not (a sentence fragment naming the argument) */
    public static String checkNamespace(String name) {
        return check("namespace name", name, SharedMemory.MAX_NAME_LENGTH);
    }

    public static String checkAgent(String agentId) {
        return check("agent id", agentId, SharedMemory.MAX_NAME_LENGTH);
    }

    public static String checkKey(String key) {
        return check("key", key, SharedMemory.MAX_KEY_LENGTH);
    }

    public static String check(String what, String s, int maxLength) {
        if (s != null && isPlain(s, maxLength)) {
            return null;
        }
        return explain(what, s, maxLength);
    }

    /** The common case, small enough to inline: 1..max printable ASCII characters, not all spaces. */
    private static boolean isPlain(String s, int maxLength) {
        int n = s.length();
        if (n == 0 || n > maxLength) {
            return false;
        }
        boolean blank = true;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                return false;
            }
            blank &= c == 0x20;
        }
        return !blank;
    }

    private static String explain(String what, String s, int maxLength) {
        if (s == null) {
            return "Invalid " + what + ": null";
        }
        int n = s.length();
        if (n == 0) {
            return "Invalid " + what + ": empty";
        }
        if (n > maxLength) {
            return "Invalid " + what + ": " + n + " characters, the limit is " + maxLength;
        }
        boolean blank = true;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0x20 && c < 0x7f) {
                blank = false;
                continue;
            }
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return "Invalid " + what + ": control character U+" + String.format("%04X", (int) c)
                        + " at index " + i;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    blank = false;
                    continue;
                }
                return "Invalid " + what + ": unpaired surrogate at index " + i;
            }
            if (blank && !Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                blank = false;
            }
        }
        if (blank) {
            return "Invalid " + what + ": blank";
        }
        return null;
    }
}
