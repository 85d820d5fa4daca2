package io.sharedmemory.api;

/**
 * What an agent may do in a namespace. Each level implies the ones before it: {@code ADMIN} ⊃ {@code WRITE} ⊃
 * {@code READ} ⊃ {@code NONE}.
 *
 * <ul>
 *   <li>{@link #READ}: {@code read}, {@code readEntry}, {@code getKeys}, {@code getAll}, {@code subscribe},
 *       {@code broadcast}.</li>
 *   <li>{@link #WRITE}: additionally {@code write} and {@code delete}.</li>
 *   <li>{@link #ADMIN}: additionally {@code clearNamespace}, {@code deleteNamespace}, {@code updatePermissions}.</li>
 * </ul>
 * {@code NONE} is the specification's {@code null}: no access at all.
 */
public enum Permission {
    /** No access. */
    NONE,
    /** Read entries, list keys, subscribe and broadcast. */
    READ,
    /** Everything {@link #READ} allows, plus write and delete entries. */
    WRITE,
    /** Everything {@link #WRITE} allows, plus clear or delete the namespace and change its permissions. */
    ADMIN;

    /**
     * Whether this permission allows what {@code required} allows.
     *
     * @param required the permission an operation needs; not null
     * @return true when this level is {@code required} or above it
     */
    public boolean implies(Permission required) {
        return compareTo(required) >= 0;
    }

    /**
     * Parses a permission name as used in configuration files: {@code none}, {@code read}, {@code write},
     * {@code admin}, case-insensitive, surrounding blanks ignored; {@code "null"} means {@link #NONE} (the
     * specification's spelling).
     *
     * @param name the name
     * @return the permission
     * @throws IllegalArgumentException when the name is null or not one of the above, with a message naming the
     *         accepted values
     */
    public static Permission parse(String name) {
        if (name != null) {
            String n = name.strip();
            if (n.equalsIgnoreCase("null")) {
                return NONE;
            }
            for (Permission p : values()) {
                if (p.name().equalsIgnoreCase(n)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException(
                "Unknown permission \"" + name + "\": expected one of none, read, write, admin");
    }
}
