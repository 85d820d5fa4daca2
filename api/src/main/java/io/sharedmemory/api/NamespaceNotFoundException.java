package io.sharedmemory.api;

/** Thrown by {@code subscribe} and {@code broadcast} when the namespace does not exist. */
public class NamespaceNotFoundException extends SharedMemoryException {
    private static final long serialVersionUID = 1L;
    private final String namespace;

    /**
     * @param namespace the namespace that does not exist
     */
    public NamespaceNotFoundException(String namespace) {
        super("Namespace \"" + namespace + "\" does not exist");
        this.namespace = namespace;
    }

    /** @return the namespace that does not exist */
    public String namespace() {
        return namespace;
    }
}
