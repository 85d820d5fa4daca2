package io.sharedmemory.config.internal;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Turns configuration properties into a namespace declaration, all or nothing. Values come typed from a {@code .config}
 * file or Config Admin API and as strings from a {@code .cfg} file; both are accepted. Every message names the property
 * and the value at fault.
 */
final class NamespaceDeclarations {
    record Declared(String name, NamespaceConfig config) {
    }

    private NamespaceDeclarations() {
    }

    static Declared parse(Map<String, Object> p) {
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
