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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
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
 * {@code sharedmemory.bndrun}'s {@code -runbundles} is in one of our features too (a library no Karaf feature provides,
 * as {@code mvn:<group>/<artifact>/<release>}) or comes from Karaf itself or from a Karaf feature ours depend on.
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
            Map.entry("org.apache.felix.gogo.command", "console"),
            // the remote surface's logging: Pax Logging provides the slf4j API in Karaf, so SPI Fly is not needed
            Map.entry("slf4j.api", "boot"),
            Map.entry("slf4j.simple", "boot"),
            Map.entry("org.apache.aries.spifly.dynamic.framework.extension", "optional"));

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
            if (url.startsWith("mvn:io.sharedmemory/")) {
                assertTrue(url.matches("mvn:io\\.sharedmemory/sharedmemory-[a-z-]+/" + Pattern.quote(VERSION)),
                        () -> "not a filtered mvn: URL of ours: " + url);
            } else {
                // a library our bundles need that no Karaf feature provides: pinned to a release
                assertTrue(url.matches("mvn:[\\w.-]+/[\\w.-]+/\\d[\\w.-]*") && !url.endsWith("-SNAPSHOT"),
                        () -> "not a mvn:group/artifact/release URL: " + url);
            }
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

    /** @return the file name of each bundle embedded in the executable jar ({@code <artifact>-<version>.jar}), by BSN */
    private static Map<String, String> embeddedJarsBySymbolicName() throws IOException {
        Map<String, String> jars = new TreeMap<>();
        try (JarFile jar = new JarFile(DIR.resolve("target/sharedmemory.jar").toFile())) {
            for (JarEntry e : jar.stream().filter(e -> e.getName().matches("jar/[^/]+\\.jar")).toList()) {
                try (JarInputStream in = new JarInputStream(jar.getInputStream(e))) {
                    Manifest m = in.getManifest();
                    String bsn = m == null ? null : m.getMainAttributes().getValue("Bundle-SymbolicName");
                    if (bsn != null) {
                        jars.put(bsn.split(";")[0].strip(), e.getName().substring("jar/".length()));
                    }
                }
            }
        }
        return jars;
    }

    @Test
    void everyRunBundleOfTheBndrunIsInAFeatureOrComesFromKaraf() throws Exception {
        Set<String> runBundles = runBundles();
        assertTrue(runBundles.contains("io.sharedmemory.engine") && runBundles.contains("org.apache.felix.scr"),
                () -> "-runbundles read as " + runBundles);
        Set<String> urls = featureBundleUrls();
        Set<String> urlFiles = new TreeSet<>(); // mvn:g/a/v -> a-v.jar, the name of that artifact's file
        for (String url : urls) {
            String[] gav = url.substring("mvn:".length()).split("/");
            urlFiles.add(gav[1] + "-" + gav[2] + ".jar");
        }
        Map<String, String> embedded = embeddedJarsBySymbolicName();
        Set<String> dependencies = new TreeSet<>();
        NodeList features = features().getElementsByTagNameNS("http://karaf.apache.org/xmlns/features/v1.6.0",
                "feature");
        for (int i = 0; i < features.getLength(); i++) {
            dependencies.add("feature " + features.item(i).getTextContent().strip());
        }
        List<String> unaccounted = new ArrayList<>();
        for (String bsn : runBundles) {
            if (bsn.startsWith("io.sharedmemory.")) {
                // the bundle io.sharedmemory.remote.http is the artifact sharedmemory-remote-http
                String url = "mvn:io.sharedmemory/sharedmemory-"
                        + bsn.substring("io.sharedmemory.".length()).replace('.', '-') + "/"
                        + VERSION;
                if (!urls.contains(url)) {
                    unaccounted.add(bsn + " (no " + url + ")");
                }
            } else if (!urlFiles.contains(embedded.get(bsn))) {
                String source = FROM_KARAF.get(bsn);
                if (source == null || source.startsWith("feature ") && !dependencies.contains(source)) {
                    unaccounted.add(bsn + (source == null
                            ? " (" + embedded.get(bsn) + " is in no feature and not known to come from Karaf)"
                            : " (needs " + source + ", which no feature of ours names)"));
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
