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
    OVERFLOW
}
