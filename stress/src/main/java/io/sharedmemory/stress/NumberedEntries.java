package io.sharedmemory.stress;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;

/** Access-log entries whose every field is derived from one number, so a read that mixed two entries is caught. */
final class NumberedEntries {
    private static final AccessAction[] ACTIONS = AccessAction.values();

    private NumberedEntries() {
    }

    static AccessLogEntry entry(int n) {
        return new AccessLogEntry(n, "agent-" + n, ACTIONS[n % ACTIONS.length], "ns-" + n, "key-" + n, n % 2 == 0,
                "error-" + n);
    }

    /** @return n when e is exactly entry n for some n in [1, max], else -1 (torn, or never recorded) */
    static int whole(AccessLogEntry e, int max) {
        long n = e.timestampMillis();
        return n >= 1 && n <= max && e.equals(entry((int) n)) ? (int) n : -1;
    }
}
