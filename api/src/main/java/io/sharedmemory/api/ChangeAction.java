package io.sharedmemory.api;

/** What a {@link ChangeEvent} reports. */
public enum ChangeAction {
    /** A key was written; the event carries the value as stored (after merge). */
    WRITE,
    /** A key was deleted (by {@code delete} or {@code clearNamespace}); the event's value is null. */
    DELETE,
    /** A message was broadcast to the namespace; the event's value is the message, its key null. */
    BROADCAST,
    /** A key's entry expired and was removed; the event carries the expired key and the last value. */
    EXPIRE,
    /**
     * The subscriber fell more than its queue capacity behind and was cut off: this is the last event it receives and
     * its subscription has ended. Its value is the number of events it had not received when it was cut off (its
     * backlog then: all of them are lost to it, and so is every later event, since it has ended), its key null.
     * Subscribe again (and read the current state with {@code getAll}) to resume.
     */
    OVERFLOW,
    /**
     * Changes may have been lost on their way to this subscriber: the memory's store is shared by several processes
     * (a cluster) and a member failed, the cluster split and merged, or an event for a key arrived after a gap. The
     * subscription continues and every later change is delivered as before; what was lost is not redelivered. Its key
     * is the key whose changes may be missing, or null when any key of the namespace may be affected; its value is the
     * reason, a {@code String} for a person. Re-read what the subscriber depends on ({@code getAll}, or
     * {@code readEntry} of the key) to be current again. A memory in one process never sends it.
     *
     * @since 1.2
     */
    RESYNC
}
