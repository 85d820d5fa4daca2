package io.sharedmemory.shell.internal;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Stops the framework when the JVM is asked to exit (SIGTERM, SIGINT, {@code System.exit}), so every bundle's
 * {@code @Deactivate} runs — the file audit sink flushes, subscriptions end. The bnd launcher of the executable jar
 * does not do this itself. Only active when the framework property {@value #ENABLE} is {@code true} (the distribution
 * sets it), so that containers with their own shutdown handling, such as Karaf, are left alone.
 */
@Component(immediate = true, service = {})
public final class StopFrameworkOnSignal {
    /** The framework property that turns this on. */
    static final String ENABLE = "sharedmemory.stopOnSignal";
    private static final long WAIT_MILLIS = 10_000;

    private final Thread hook;

    @Activate
    public StopFrameworkOnSignal(BundleContext context) {
        if (!Boolean.parseBoolean(context.getProperty(ENABLE))) {
            hook = null;
            return;
        }
        Framework framework = (Framework) context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        hook = new Thread(() -> stop(framework), "sharedmemory-stop-framework");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private static void stop(Framework framework) {
        try {
            System.err.println("sharedmemory: JVM shutting down, stopping the OSGi framework");
            framework.stop();
            boolean stopped = framework.waitForStop(WAIT_MILLIS).getType()
                    != org.osgi.framework.FrameworkEvent.WAIT_TIMEDOUT;
            System.err.println(stopped ? "sharedmemory: framework stopped, every component deactivated"
                    : "sharedmemory: the framework did not stop within " + WAIT_MILLIS + " ms");
        } catch (BundleException e) {
            System.err.println("sharedmemory: could not stop the framework cleanly: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Deactivate
    void deactivate() {
        if (hook == null || Thread.currentThread() == hook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running (or about to): it is what stops us, nothing to undo
        }
    }
}
