package io.sharedmemory.config.internal;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns configuration properties into a namespace declaration, all or nothing. Values come typed from a {@code .config}
 * file or Config Admin API and as strings from a {@code .cfg} file; both are accepted. Every message names the property
 * and the value at fault. A property this declaration does not know (a misspelt {@code defaultPermision}) is refused,
 * never ignored, and a byte-order mark before the first key (a file saved with one) is not part of the key.
 */
final class NamespaceDeclarations {
    record Declared(String name, NamespaceConfig config) {
    }

    static final Set<String> KNOWN = Set.of("name", "defaultPermission", "permissions", "conflictStrategy",
            "maxEntries", "ttlMillis");
    /** Properties that Config Admin, DS, FileInstall or Karaf add to every configuration. */
    private static final List<String> FRAMEWORK_PREFIXES = List.of("service.", "component.", "felix.", "osgi.",
            "org.apache.", "karaf.", ".");

    private NamespaceDeclarations() {
    }

    static Declared parse(Map<String, Object> properties) {
        Map<String, Object> p = new HashMap<>();
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            String key = withoutByteOrderMark(e.getKey());
            if (!KNOWN.contains(key) && FRAMEWORK_PREFIXES.stream().noneMatch(key::startsWith)) {
                throw new IllegalArgumentException("unknown property \"" + key + "\"" + closest(key) + " (known: "
                        + String.join(", ", new TreeSet<>(KNOWN)) + ")");
            }
            p.put(key, e.getValue());
        }
        String name = string(p, "name");
        if (name == null || name.isBlank()) {
            name = nameFromPid(p.get("service.pid"));
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: missing (set name=..., or use a named factory configuration)");
        }
        NamespaceConfig.Builder b = NamespaceConfig.builder();
        try {
            String dp = string(p, "defaultPermission");
            if (dp != null) {
                b.defaultPermission(Permission.parse(dp));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("defaultPermission: " + e.getMessage());
        }
        for (String item : strings(p.get("permissions"))) {
            for (String one : item.split(",")) {
                if (one.isBlank()) {
                    continue;
                }
                int eq = one.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("permissions: \"" + one.strip()
                            + "\" is not agent=permission (permission: none, read, write, admin)");
                }
                try {
                    b.permission(one.substring(0, eq).strip(), Permission.parse(one.substring(eq + 1)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("permissions: \"" + one.strip() + "\": " + e.getMessage());
                }
            }
        }
        String strategy = string(p, "conflictStrategy");
        if (strategy != null) {
            try {
                b.conflictStrategy(strategy);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("conflictStrategy: " + e.getMessage());
            }
        }
        long maxEntries = number(p, "maxEntries");
        if (maxEntries < 0 || maxEntries > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxEntries: must be 0 (unlimited) to " + Integer.MAX_VALUE
                    + ", was " + maxEntries);
        }
        b.maxEntries((int) maxEntries);
        try {
            b.ttl(Duration.ofMillis(number(p, "ttlMillis")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ttlMillis: " + e.getMessage());
        }
        return new Declared(name.strip(), b.build());
    }

    /** A file saved with a UTF-8 byte-order mark puts it before the first key: U+FEFF, or its bytes read as Latin-1. */
    static String withoutByteOrderMark(String key) {
        if (key.startsWith("\uFEFF")) {
            return key.substring(1);
        }
        return key.startsWith("\u00EF\u00BB\u00BF") ? key.substring(3) : key;
    }

    private static String closest(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String k : new TreeSet<>(KNOWN)) {
            if (distance(lower, k.toLowerCase(Locale.ROOT)) <= 2) {
                return " (did you mean " + k + "?)";
            }
        }
        return "";
    }

    /** Levenshtein distance, for the suggestion. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** FileInstall and Config Admin 1.6 name factory configurations {@code factoryPid~name}. */
    private static String nameFromPid(Object pid) {
        if (pid == null) {
            return null;
        }
        String s = pid.toString();
        int tilde = s.indexOf('~');
        return tilde >= 0 && tilde < s.length() - 1 ? s.substring(tilde + 1) : null;
    }

    private static String string(Map<String, Object> p, String key) {
        Object v = p.get(key);
        if (v == null) {
            return null;
        }
        List<String> all = strings(v);
        if (all.size() != 1) {
            throw new IllegalArgumentException(key + ": one value expected, was " + all);
        }
        return all.get(0);
    }

    private static long number(Map<String, Object> p, String key) {
        Object v = p.get(key);
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": \"" + v + "\" is not a whole number");
        }
    }

    private static List<String> strings(Object v) {
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v instanceof String[] a) {
            out.addAll(List.of(a));
        } else if (v instanceof Collection<?> c) {
            c.forEach(o -> out.add(String.valueOf(o)));
        } else if (v.getClass().isArray()) {
            for (int i = 0; i < java.lang.reflect.Array.getLength(v); i++) {
                out.add(String.valueOf(java.lang.reflect.Array.get(v, i)));
            }
        } else {
            out.add(v.toString());
        }
        return out;
    }
}
