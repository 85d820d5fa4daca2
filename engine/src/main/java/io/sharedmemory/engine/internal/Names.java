package io.sharedmemory.engine.internal;

import io.sharedmemory.api.SharedMemory;

/** The documented limits on namespace names, keys and agent ids. */
final class Names {
    private Names() {
    }

    /** @return null when valid, else why not (a sentence fragment naming the argument) */
    static String checkNamespace(String name) {
        return check("namespace name", name, SharedMemory.MAX_NAME_LENGTH);
    }

    static String checkAgent(String agentId) {
        return check("agent id", agentId, SharedMemory.MAX_NAME_LENGTH);
    }

    static String checkKey(String key) {
        return check("key", key, SharedMemory.MAX_KEY_LENGTH);
    }

    static String check(String what, String s, int maxLength) {
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
