package io.sharedmemory.remote.http.internal;

import io.sharedmemory.api.SharedMemory;

/**
 * The limits on names, keys and agent ids as {@link SharedMemory}'s Javadoc documents them. Used only to say why the
 * engine refused something (to choose 422 over 404 or 403), never to refuse on its own: the engine decides.
 */
public final class NameRules {
    private NameRules() {
    }

    /** @return null when within the limits, else why not */
    public static String checkName(String what, String s) {
        return check(what, s, SharedMemory.MAX_NAME_LENGTH);
    }

    public static String checkKey(String key) {
        return check("key", key, SharedMemory.MAX_KEY_LENGTH);
    }

    private static String check(String what, String s, int max) {
        if (s == null || s.isEmpty()) {
            return what + " is empty";
        }
        if (s.length() > max) {
            return what + " has " + s.length() + " characters; the limit is " + max;
        }
        boolean blank = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f && c <= 0x9f) {
                return what + " contains the control character U+" + String.format("%04X", (int) c);
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                blank = false;
                continue;
            }
            if (Character.isSurrogate(c)) {
                return what + " contains an unpaired surrogate";
            }
            blank &= Character.isWhitespace(c) || Character.isSpaceChar(c);
        }
        return blank ? what + " is blank" : null;
    }
}
