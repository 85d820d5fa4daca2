package io.sharedmemory.osgitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.EventAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The suite runs where its .bndrun says: each run names its framework and the bundles that provide Config Admin and
 * Event Admin (run properties {@code sharedmemory.tests.*}), and this test fails if the resolver or the launcher put
 * anything else there, so a green Equinox run is a run on Equinox.
 */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class Framework_UnderTestTest {
    private static String expected(BundleContext context, String name) {
        String value = context.getProperty("sharedmemory.tests." + name);
        assertNotNull(value, () -> "the .bndrun sets -runproperties sharedmemory.tests." + name);
        return value;
    }

    @Test
    void theFrameworkIsTheOneTheRunNames(@InjectBundleContext BundleContext context) {
        assertEquals(expected(context, "framework"), context.getBundle(Constants.SYSTEM_BUNDLE_ID).getSymbolicName());
    }

    @Test
    void configAdminAndEventAdminComeFromTheBundlesTheRunNames(@InjectBundleContext BundleContext context,
            @InjectService(timeout = 10_000) ServiceAware<ConfigurationAdmin> cm,
            @InjectService(timeout = 10_000) ServiceAware<EventAdmin> events) {
        assertEquals(expected(context, "configadmin"), cm.getServiceReference().getBundle().getSymbolicName());
        assertEquals(expected(context, "eventadmin"), events.getServiceReference().getBundle().getSymbolicName());
    }
}
