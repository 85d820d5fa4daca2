package io.sharedmemory.store.file;

/**
 * When a change is acknowledged — when {@code write}, {@code delete}, {@code clearNamespace} and the namespace
 * operations return — and so what a crash can take. In both modes a change is in the log before the memory shows it,
 * a change that is not acknowledged is never half-applied, and a restart brings back a state that is a prefix of the
 * changes in the order they were made (per key, the order of its versions).
 */
public enum Durability {
    /**
     * Acknowledged once the change is forced to the storage device ({@code fsync}): nothing acknowledged is lost, not
     * even to a power loss or an operating-system crash. Writers that arrive while a force runs share the next one
     * (group commit), so many concurrent writers cost about one force each round, not one each.
     */
    SYNC,
    /**
     * Acknowledged once the change is handed to the operating system (copied into the log's memory-mapped segment,
     * without a system call), and forced every sync interval (default 1 second). A crash or kill of the process loses
     * nothing acknowledged; a power loss or an operating-system crash loses at most the changes of the last interval,
     * and what comes back is still a clean prefix of the changes. The default.
     */
    BATCHED
}
