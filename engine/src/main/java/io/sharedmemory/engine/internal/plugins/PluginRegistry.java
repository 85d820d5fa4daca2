package io.sharedmemory.engine.internal.plugins;

/**
 * Where the engine finds its plugins. Two implementations: one filled from {@link java.util.ServiceLoader} and explicit
 * plugins (plain Java), one kept up to date by the OSGi component's dynamic references.
 */
public interface PluginRegistry {
    /** @return the current snapshot; cheap (one volatile read), called on every operation */
    public PluginSet plugins();

    /**
     * Registers a callback run after every change of the snapshot (the engine uses it to push its log capacity to a new
     * access log).
     */
    public void onChange(Runnable listener);
}
