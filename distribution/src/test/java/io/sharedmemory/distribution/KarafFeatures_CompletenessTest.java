package io.sharedmemory.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The Karaf feature descriptor stays in step with the executable distribution: it is well-formed XML in the features
 * namespace, every sharedmemory bundle exported into {@code sharedmemory.jar} is installed by some feature (as a
 * {@code mvn:io.sharedmemory/<artifact>/<version>} URL, the version filled in by the build), and every other bundle of
 * {@code sharedmemory.bndrun}'s {@code -runbundles} comes from Karaf itself or from a Karaf feature ours depend on.
 */
class KarafFeatures_CompletenessTest {
    private static final Path DIR = Path.of(System.getProperty("distribution.dir", "."));
    private static final String VERSION = System.getProperty("project.version", "0.1.0-SNAPSHOT");

    /**
     * Where Karaf 4.4 users get the third-party bundles of the distribution: a standard feature that ours name; Karaf's
     * boot (Config Admin, FileInstall, Pax Logging for the Log Service API); Karaf's console, which runs Gogo commands
     * in place of the Gogo shell; or nowhere, because it is optional (Metatype only serves tools such as a console).
     */
    private static final Map<String, String> FROM_KARAF = Map.ofEntries(
            Map.entry("org.apache.felix.scr", "feature scr"),
            Map.entry("org.osgi.service.component", "feature scr"),
            Map.entry("org.osgi.util.function", "feature scr"),
            Map.entry("org.osgi.util.promise", "feature scr"),
            Map.entry("org.apache.felix.eventadmin", "feature eventadmin"),
            Map.entry("org.apache.felix.configadmin", "boot"),
            Map.entry("org.apache.felix.fileinstall", "boot"),
            Map.entry("org.osgi.service.log", "boot"),
            Map.entry("org.apache.felix.metatype", "optional"),
            Map.entry("org.apache.felix.gogo.runtime", "console"),
            Map.entry("org.apache.felix.gogo.shell", "console"),
            Map.entry("org.apache.felix.gogo.command", "console"));

    /** Third-party bundles that our features install themselves: symbolic name → their {@code mvn:} URL. */
    private static final Map<String, String> IN_OUR_FEATURES = Map.of(
            "com.fasterxml.jackson.core.jackson-core", "mvn:com.fasterxml.jackson.core/jackson-core/"
                    + System.getProperty("jackson.version", "2.22.4"),
            "com.hazelcast", "mvn:com.hazelcast/hazelcast/" + System.getProperty("hazelcast.version", "5.7.0"));

    /** @return the bundle symbolic names of {@code -runbundles} in {@code sharedmemory.bndrun} */
    private static Set<String> runBundles() throws IOException {
        String bndrun = Files.readString(DIR.resolve("sharedmemory.bndrun")).replace("\\\n", "");
        Matcher line = Pattern.compile("(?m)^-runbundles:(.*)$").matcher(bndrun);
        assertTrue(line.find(), "sharedmemory.bndrun has -runbundles");
        Set<String> bsns = new TreeSet<>();
        Matcher entry = Pattern.compile("([\\w.-]+);version='[^']*'").matcher(line.group(1));
        while (entry.find()) {
            bsns.add(entry.group(1));
        }
        return bsns;
    }

    private static Document features() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(DIR.resolve("target/karaf/features.xml").toFile());
    }

    private static Set<String> featureBundleUrls() throws Exception {
        NodeList bundles = features().getElementsByTagNameNS("http://karaf.apache.org/xmlns/features/v1.6.0",
                "bundle");
        Set<String> urls = new TreeSet<>();
        for (int i = 0; i < bundles.getLength(); i++) {
            urls.add(bundles.item(i).getTextContent().strip());
        }
        return urls;
    }

    /** @return the Maven artifact ids of the sharedmemory bundles embedded in the executable jar */
    private static Set<String> distributionArtifacts() throws IOException {
        Set<String> artifacts = new TreeSet<>();
        try (JarFile jar = new JarFile(DIR.resolve("target/sharedmemory.jar").toFile())) {
            Pattern embedded = Pattern.compile("jar/(sharedmemory-[a-z-]+)-" + Pattern.quote(VERSION) + "\\.jar");
            jar.stream().forEach(e -> {
                Matcher m = embedded.matcher(e.getName());
                if (m.matches()) {
                    artifacts.add(m.group(1));
                }
            });
        }
        return artifacts;
    }

    @Test
    void isWellFormedAndNamesItsRepositoryWithTheVersion() throws Exception {
        Document d = features();
        assertEquals("features", d.getDocumentElement().getLocalName());
        assertEquals("sharedmemory-" + VERSION, d.getDocumentElement().getAttribute("name"));
        for (String url : featureBundleUrls()) {
            assertTrue(url.matches("mvn:io\\.sharedmemory/sharedmemory-[a-z-]+/" + Pattern.quote(VERSION))
                    || IN_OUR_FEATURES.containsValue(url), () -> "not a filtered mvn: URL of ours: " + url);
        }
    }

    @Test
    void everyBundleOfTheDistributionIsInAFeature() throws Exception {
        Set<String> distributed = distributionArtifacts();
        assertTrue(distributed.containsAll(List.of("sharedmemory-api", "sharedmemory-engine", "sharedmemory-shell",
                "sharedmemory-config", "sharedmemory-eventadmin")), () -> "the distribution holds " + distributed);
        List<String> missing = new ArrayList<>();
        Set<String> urls = featureBundleUrls();
        for (String artifact : distributed) {
            if (!urls.contains("mvn:io.sharedmemory/" + artifact + "/" + VERSION)) {
                missing.add(artifact);
            }
        }
        assertEquals(List.of(), missing, "bundles of sharedmemory.jar that no Karaf feature installs");
    }

    @Test
    void everyRunBundleOfTheBndrunIsInAFeatureOrComesFromKaraf() throws Exception {
        Set<String> runBundles = runBundles();
        assertTrue(runBundles.contains("io.sharedmemory.engine") && runBundles.contains("org.apache.felix.scr"),
                () -> "-runbundles read as " + runBundles);
        Set<String> urls = featureBundleUrls();
        Set<String> dependencies = new TreeSet<>();
        NodeList features = features().getElementsByTagNameNS("http://karaf.apache.org/xmlns/features/v1.6.0",
                "feature");
        for (int i = 0; i < features.getLength(); i++) {
            dependencies.add("feature " + features.item(i).getTextContent().strip());
        }
        List<String> unaccounted = new ArrayList<>();
        for (String bsn : runBundles) {
            if (bsn.startsWith("io.sharedmemory.")) {
                // io.sharedmemory.store.hazelcast comes from sharedmemory-store-hazelcast
                String url = "mvn:io.sharedmemory/sharedmemory-" + bsn.substring("io.sharedmemory.".length())
                        .replace('.', '-') + "/"
                        + VERSION;
                if (!urls.contains(url)) {
                    unaccounted.add(bsn + " (no " + url + ")");
                }
            } else if (IN_OUR_FEATURES.containsKey(bsn)) {
                if (!urls.contains(IN_OUR_FEATURES.get(bsn))) {
                    unaccounted.add(bsn + " (no " + IN_OUR_FEATURES.get(bsn) + ")");
                }
            } else {
                String source = FROM_KARAF.get(bsn);
                if (source == null || source.startsWith("feature ") && !dependencies.contains(source)) {
                    unaccounted.add(bsn + (source == null ? " (not known to come from Karaf)" : " (needs " + source
                            + ", which no feature of ours names)"));
                }
            }
        }
        assertEquals(List.of(), unaccounted, "-runbundles that a Karaf user would not get from features.xml");
    }

    @Test
    void theExecutableJarLaunchesHeadlessAndStopsOnSignal() throws IOException {
        try (JarFile jar = new JarFile(DIR.resolve("target/sharedmemory.jar").toFile())) {
            Manifest m = jar.getManifest();
            assertTrue(m.getMainAttributes().getValue("Main-Class") != null, "an executable jar");
            String launcher = new String(jar.getInputStream(jar.getEntry("launcher.properties")).readAllBytes(),
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(launcher.contains("gosh.args=--noshutdown"), "stays up with stdin closed");
            assertTrue(launcher.contains("sharedmemory.stopOnSignal=true"), "stops the framework on SIGTERM");
            assertTrue(launcher.contains("felix.fileinstall.dir=conf"), "reads ./conf");
        }
        assertTrue(Files.isRegularFile(DIR.resolve("target/conf/io.sharedmemory.engine.cfg")));
        assertTrue(Files.isRegularFile(DIR.resolve("target/conf/io.sharedmemory.namespace-tasks.cfg")));
    }
}
