package io.sharedmemory.audit.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;

/** Builds access-log entries for the tests. */
final class Entries {
    static final long T0 = 1_764_000_000_000L;

    private Entries() {
    }

    /** Entry number i of an agent: the key is the number, so order and identity can be checked. */
    static AccessLogEntry entry(String agent, int i) {
        return new AccessLogEntry(T0 + i, agent, AccessAction.WRITE, "ns", Integer.toString(i), true, null);
    }

    static AccessLogEntry entry(String agent, AccessAction action, String namespace, boolean success, long millis) {
        return new AccessLogEntry(millis, agent, action, namespace, "k", success,
                success ? null : "Insufficient permissions");
    }
}
