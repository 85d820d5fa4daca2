package io.sharedmemory.remote.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One page of a namespace's keys in key order: the keys that start with a prefix and come after a cursor, at most a
 * limit of them, and the cursor of the next page (null on the last one). A cursor is the last key of its page, base64url
 * encoded: a page never repeats or skips a key that stayed in the namespace between two requests, whatever was written
 * or deleted meanwhile (keys added before the cursor are not seen, keys added after it are).
 *
 * @param keys the keys of this page, in order
 * @param nextCursor the cursor of the next page, or null when there is no more
 */
public record KeyPage(List<String> keys, String nextCursor) {
    /** Copies the keys. */
    public KeyPage {
        keys = List.copyOf(keys);
    }

    /**
     * @param sortedKeys every key of the namespace, sorted (as {@code getKeys} returns them)
     * @param prefix only keys that start with it; null or empty for all
     * @param cursor the cursor of a previous page, or null for the first page
     * @param limit the most keys, at least 1
     * @return the page
     * @throws IllegalArgumentException when the cursor is not one this class made
     */
    public static KeyPage of(List<String> sortedKeys, String prefix, String cursor, int limit) {
        Objects.requireNonNull(sortedKeys, "sortedKeys");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        String p = prefix == null ? "" : prefix;
        String after = cursor == null || cursor.isEmpty() ? null : decode(cursor);
        String from = after != null && after.compareTo(p) >= 0 ? after : p;
        int i = Collections.binarySearch(sortedKeys, from);
        int start = i >= 0 ? (after != null && from.equals(after) ? i + 1 : i) : -i - 1;
        List<String> page = new java.util.ArrayList<>(Math.min(limit, 64));
        int k = start;
        for (; k < sortedKeys.size() && page.size() < limit; k++) {
            String key = sortedKeys.get(k);
            if (!key.startsWith(p)) {
                break;
            }
            page.add(key);
        }
        boolean more = k < sortedKeys.size() && sortedKeys.get(k).startsWith(p) && !page.isEmpty();
        return new KeyPage(page, more ? encode(page.get(page.size() - 1)) : null);
    }

    private static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not one a previous page returned: \"" + cursor + "\"");
        }
    }
}
