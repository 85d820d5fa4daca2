package io.sharedmemory.engine.internal.osgi;

import io.sharedmemory.api.EventType;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Registration;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What the platform's own components did through the {@code SharedMemory} service that must outlive one engine: the
 * namespaces they declared ({@code createNamespace(name, config)}: the {@code conf/} declarations) and the listeners
 * they registered ({@code on(...)}: the Event Admin bridge). The service stays registered while its engine is replaced
 * — the store came, went or changed — so they would not know to do it again: each new engine gets the declarations
 * applied and the listeners registered again. A listener cut off by its engine for lagging stays ended; one that was
 * active when its engine stopped goes on with the next. Declared while no engine serves, a namespace is created when
 * one does. Called under the component's lock.
 */
final class CarriedOver {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");

    private final Map<String, NamespaceConfig> declared = new LinkedHashMap<>();
    private final Set<Carried> listeners = ConcurrentHashMap.newKeySet();

    /** A declaration: applied now when an engine serves, and to every later engine. */
    void declare(String name, NamespaceConfig config, SharedMemory engine) {
        if (engine != null) {
            engine.createNamespace(name, config);
        } else {
            LOG.log(Level.WARNING, "sharedmemory: namespace {0} is declared while no engine serves; it is created "
                    + "when the engine starts", name);
        }
        declared.put(name, config);
    }

    /** A listener: registered now when an engine serves, and again on every later engine while it is active. */
    Registration listen(EventType type, Consumer<MemoryEvent> listener, SharedMemory engine) {
        Carried c = new Carried(type, listener);
        if (engine != null) {
            c.inner = engine.on(type, listener);
        }
        listeners.add(c);
        return c;
    }

    /** Before an engine is destroyed: the listeners it has that are still active go on with the next one. */
    void engineStopping() {
        for (Carried c : listeners) {
            c.waiting = !c.removed && c.inner != null && c.inner.isActive();
        }
    }

    /** A new engine serves: the declarations are applied and the waiting listeners registered. */
    void engineStarted(SharedMemory engine) {
        for (Map.Entry<String, NamespaceConfig> d : declared.entrySet()) {
            try {
                engine.createNamespace(d.getKey(), d.getValue());
            } catch (SharedMemoryException | IllegalArgumentException | IllegalStateException e) {
                LOG.log(Level.ERROR, "sharedmemory: namespace {0}, declared earlier, could not be applied to the "
                        + "new engine: {1}", d.getKey(), e.getMessage());
            }
        }
        for (Carried c : listeners) {
            if (c.removed) {
                listeners.remove(c);
            } else if (c.inner == null || c.waiting) {
                c.inner = engine.on(c.type, c.listener);
                c.waiting = false;
            }
        }
    }

    /** A registration that outlives its engine. */
    private final class Carried implements Registration {
        final EventType type;
        final Consumer<MemoryEvent> listener;
        volatile Registration inner;
        volatile boolean waiting;
        volatile boolean removed;

        Carried(EventType type, Consumer<MemoryEvent> listener) {
            this.type = type;
            this.listener = listener;
        }

        @Override
        public EventType type() {
            return type;
        }

        @Override
        public boolean isActive() {
            Registration r = inner;
            return !removed && (r == null || waiting || r.isActive());
        }

        @Override
        public void remove() {
            removed = true;
            listeners.remove(this);
            Registration r = inner;
            if (r != null) {
                r.remove();
            }
        }

        @Override
        public boolean awaitDelivery(Duration timeout) throws InterruptedException {
            Registration r = inner;
            return r == null || r.awaitDelivery(timeout);
        }

        @Override
        public String toString() {
            return "Registration[" + type.topic() + (isActive() ? ", active]" : ", ended]");
        }
    }
}
