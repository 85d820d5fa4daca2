package io.sharedmemory.osgitests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

/** Finding, rebuilding and refreshing bundles, for the hot-swap tests. */
final class Bundles {
    private Bundles() {
    }

    static Bundle bySymbolicName(BundleContext context, String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + bsn + " is not installed");
    }

    /** @return the bundle's jar as installed, read from its location */
    static byte[] content(Bundle bundle) throws IOException {
        String location = bundle.getLocation();
        if (location.startsWith("reference:")) {
            location = location.substring("reference:".length());
        }
        if (!location.contains(":")) {
            location = new java.io.File(location).toURI().toString();
        }
        try (InputStream in = new URL(location).openStream()) {
            return in.readAllBytes();
        }
    }

    /** @return the jar with its Bundle-Version replaced: the same code as a new version of the bundle */
    static InputStream withVersion(byte[] jar, String version) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(jar.length + 256);
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name(Constants.BUNDLE_VERSION), version);
            try (JarOutputStream jos = new JarOutputStream(out, manifest)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    jos.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jos);
                    jos.closeEntry();
                }
            }
        }
        return new ByteArrayInputStream(out.toByteArray());
    }

    /** Refreshes the bundles and waits for the refresh to finish, so that old revisions are gone. */
    static void refresh(BundleContext context, Bundle... bundles) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class)
                .refreshBundles(List.of(bundles), e -> {
                    if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED || e.getType() == FrameworkEvent.ERROR) {
                        done.countDown();
                    }
                });
        if (!done.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("refresh did not finish in 30 s");
        }
    }
}
