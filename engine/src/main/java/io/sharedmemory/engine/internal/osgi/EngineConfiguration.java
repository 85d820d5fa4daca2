package io.sharedmemory.engine.internal.osgi;

import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.engine.internal.store.InMemoryStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the engine's configuration ({@value SharedMemoryComponent#PID}) whole or not at all, from its raw properties,
 * typed (a {@code .config} file, the Config Admin API) or text (a {@code .cfg} file): a boolean is {@code true} or
 * {@code false} and nothing else, a number a whole number, a key that starts with a byte-order mark (a file saved with
 * one) is read without it, and a property it does not know (a misspelt one) is refused with the closest known name.
 * Every refusal is an {@link IllegalArgumentException} that names the property.
 */
final class EngineConfiguration {
    static final String MAX_LOG_SIZE = "maxLogSize";
    static final String CLEANUP_INTERVAL_MILLIS = "cleanupIntervalMillis";
    static final String LISTENER_QUEUE_CAPACITY = "listenerQueueCapacity";
    static final String REQUIRE_AUDIT_SINK = "requireAuditSink";
    static final String IDENTITY = "identity";
    static final String STORE = "store";
    private static final Set<String> KNOWN = Set.of(MAX_LOG_SIZE, CLEANUP_INTERVAL_MILLIS, LISTENER_QUEUE_CAPACITY,
            REQUIRE_AUDIT_SINK, IDENTITY, STORE);
    /** Properties that Config Admin, DS, FileInstall or Karaf add to every configuration. */
    private static final List<String> FRAMEWORK_PREFIXES = List.of("service.", "component.", "felix.", "osgi.",
            "org.apache.", "karaf.", ".");


    private EngineConfiguration() {
    }

    static String storeName(Map<String, Object> properties) {
        String name = text(normalized(properties), STORE, InMemoryStore.NAME);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("store: empty (memory, file, hazelcast or another store's name)");
        }
        return name;
    }

    /** The store a configuration with a bad value names, if it names one well; else the default. */
    static String storeNameOrDefault(Map<String, Object> properties) {
        try {
            return storeName(properties);
        } catch (IllegalArgumentException e) {
            return InMemoryStore.NAME;
        }
    }

    /** The identity mode a configuration with a bad value asks for, if it says; else the stricter one. */
    static IdentityMode askedIdentity(Map<String, Object> properties) {
        try {
            Map<String, Object> p = normalized(properties);
            return p.containsKey(IDENTITY) ? IdentityMode.parse(text(p, IDENTITY, "trusted"))
                    : IdentityMode.AUTHENTICATED;
        } catch (IllegalArgumentException e) {
            return IdentityMode.AUTHENTICATED;
        }
    }

    static String describe(SharedMemoryOptions o) {
        return "identity " + o.identity().name().toLowerCase(Locale.ROOT) + ", requireAuditSink "
                + o.requireAuditSink() + ", maxLogSize " + o.maxLogSize() + ", cleanupIntervalMillis "
                + o.cleanupInterval().toMillis() + ", listenerQueueCapacity " + o.listenerQueueCapacity();
    }

    /**
     * Reads the configuration's raw properties, whole or not at all.
     *
     * @param properties the component's properties (its configuration's, and the framework's own)
     * @return the options they set, the defaults for what they leave out
     * @throws IllegalArgumentException naming the property at fault
     */
    static SharedMemoryOptions options(Map<String, Object> properties) {
        Map<String, Object> p = normalized(properties);
        SharedMemoryOptions.Builder b = SharedMemoryOptions.builder().serviceLoader(false);
        setting(MAX_LOG_SIZE, () -> b.maxLogSize(intValue(p, MAX_LOG_SIZE, SharedMemoryOptions.DEFAULT_MAX_LOG_SIZE)));
        setting(CLEANUP_INTERVAL_MILLIS, () -> b.cleanupInterval(Duration.ofMillis(longValue(p,
                CLEANUP_INTERVAL_MILLIS, SharedMemoryOptions.DEFAULT_CLEANUP_INTERVAL.toMillis()))));
        setting(LISTENER_QUEUE_CAPACITY, () -> b.listenerQueueCapacity(intValue(p, LISTENER_QUEUE_CAPACITY,
                SharedMemoryOptions.DEFAULT_LISTENER_QUEUE_CAPACITY)));
        setting(REQUIRE_AUDIT_SINK, () -> b.requireAuditSink(booleanValue(p, REQUIRE_AUDIT_SINK)));
        setting(IDENTITY, () -> b.identity(IdentityMode.parse(text(p, IDENTITY, "trusted"))));
        return b.build();
    }

    /**
     * @return the properties with their keys as written (no byte-order mark)
     * @throws IllegalArgumentException naming a property this component does not know
     */
    private static Map<String, Object> normalized(Map<String, Object> properties) {
        Map<String, Object> p = new TreeMap<>();
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            String key = withoutByteOrderMark(e.getKey());
            if (!KNOWN.contains(key) && FRAMEWORK_PREFIXES.stream().noneMatch(key::startsWith)) {
                throw new IllegalArgumentException("unknown property \"" + key + "\"" + closest(key)
                        + " (known: " + String.join(", ", new java.util.TreeSet<>(KNOWN)) + ")");
            }
            p.put(key, e.getValue());
        }
        return p;
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
        for (String k : KNOWN) {
            if (distance(lower, k.toLowerCase(Locale.ROOT)) <= 2) {
                return " (did you mean " + k + "?)";
            }
        }
        return "";
    }

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

    private static Object single(Map<String, Object> p, String key) {
        Object v = p.get(key);
        if (v != null && v.getClass().isArray()) {
            if (java.lang.reflect.Array.getLength(v) != 1) {
                throw new IllegalArgumentException("one value expected");
            }
            v = java.lang.reflect.Array.get(v, 0);
        } else if (v instanceof java.util.Collection<?> c) {
            if (c.size() != 1) {
                throw new IllegalArgumentException("one value expected");
            }
            v = c.iterator().next();
        }
        return v;
    }

    private static String text(Map<String, Object> p, String key, String absent) {
        Object v = single(p, key);
        return v == null ? absent : v.toString().strip();
    }

    private static long longValue(Map<String, Object> p, String key, long absent) {
        Object v = single(p, key);
        if (v == null) {
            return absent;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        try {
            return Long.parseLong(v.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + v + "\" is not a whole number");
        }
    }

    private static int intValue(Map<String, Object> p, String key, int absent) {
        long n = longValue(p, key, absent);
        if (n != (int) n) {
            throw new IllegalArgumentException(n + " is too large");
        }
        return (int) n;
    }

    private static boolean booleanValue(Map<String, Object> p, String key) {
        Object v = single(p, key);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String t = v.toString().strip();
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(t);
        }
        throw new IllegalArgumentException("\"" + v + "\" is not true or false");
    }

    private static void setting(String property, Runnable apply) {
        try {
            apply.run();
        } catch (RuntimeException e) {
            String why = String.valueOf(e.getMessage());
            throw new IllegalArgumentException(why.startsWith(property + " ") ? why : property + ": " + why, e);
        }
    }

}
