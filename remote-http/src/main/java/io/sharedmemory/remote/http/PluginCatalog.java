package io.sharedmemory.remote.http;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What {@code GET /v1/plugins} lists: the plugins the memory may use, with their ranking, where they come from and
 * whether the memory uses them. Inside OSGi the {@code io.sharedmemory.remote.http} bundle provides one that reads the
 * service registry at each request; a servlet mounted elsewhere lists what its application gives it (or answers 404
 * without a catalog).
 */
@ConsumerType
@FunctionalInterface
public interface PluginCatalog {
    /**
     * @return every plugin present now, each kind best first (the order in which the memory would choose); called on
     *         a request's thread, concurrently
     */
    List<PluginInfo> plugins();
}
