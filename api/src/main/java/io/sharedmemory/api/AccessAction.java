package io.sharedmemory.api;

/** The operation an {@link AccessLogEntry} records. */
public enum AccessAction {
    /** {@code read}, {@code readEntry}, {@code getKeys} or {@code getAll} (the last two with a null key). */
    READ,
    /** {@code write}. */
    WRITE,
    /** {@code delete}. */
    DELETE,
    /** {@code subscribe}. */
    SUBSCRIBE,
    /** {@code broadcast}. */
    BROADCAST,
    /** {@code clearNamespace}. */
    CLEAR,
    /** {@code deleteNamespace}. */
    DELETE_NAMESPACE,
    /** {@code updatePermissions}. */
    UPDATE_PERMISSIONS,
    /**
     * {@code createNamespace}: by an agent ({@link SharedMemory#createNamespace(String, NamespaceConfig, String)},
     * created, reconfigured or refused), or by the application when refused for a bad name (an addition to the
     * specification's actions). A namespace the application creates or reconfigures is not an agent's access and is
     * not recorded, as in the specification: it fires {@link EventType#NAMESPACE_CREATED}.
     */
    CREATE_NAMESPACE,
    /** An entry removed by expiry, one record per key (an addition to the specification's actions). */
    EXPIRE,
    /** {@code session(credentials)}: an attempt to open an authenticated session (an addition). */
    AUTHENTICATE
}
