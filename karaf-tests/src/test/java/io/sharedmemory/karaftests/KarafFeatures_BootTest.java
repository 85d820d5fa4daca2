package io.sharedmemory.karaftests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A real Apache Karaf (the distribution from Maven Central, unpacked by the build) with our features, used as a Karaf
 * user would: {@code feature:repo-add} of the distribution's features repository, {@code feature:install}, then every
 * check typed into Karaf's shell with {@code bin/client}. Our artifacts come from the Maven-layout repository the build
 * staged under {@code target/karaf-repo}, which this Karaf reads before {@code ~/.m2} (so a stale {@code mvn install}
 * cannot stand in for this build's bundles); Karaf's own features and their bundles come from its {@code system/}
 * folder, {@code ~/.m2} or Maven Central.
 *
 * <p>One Karaf serves the whole class, in order: booted and given the features once, checked, stopped at the end.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KarafFeatures_BootTest {
    private static final String VERSION = System.getProperty("project.version");
    private static final Path HOME = Path.of(System.getProperty("karaf.home"));
    private static final Path REPO = Path.of(System.getProperty("karaf.repo"));
    private static final Path RUN = Path.of(System.getProperty("karaf.run"));
    private static final Path OVERLAY = Path.of(System.getProperty("karaf.overlay"));
    private static final String FEATURES_NS = "http://karaf.apache.org/xmlns/features/v1.6.0";
    private static final String FEATURES_URL =
            "mvn:io.sharedmemory/sharedmemory-distribution/" + VERSION + "/xml/features";

    /**
     * The features this test installs: every feature of our repository ({@link #stagesEveryFeatureAndBundleOfOurs}
     * fails when one is missing here). A new feature that needs settings to start (a port, a cluster) gets them as a
     * file under {@code src/test/karaf/etc/}, copied into Karaf's {@code etc/} before the first start.
     */
    private static final List<String> FEATURES =
            List.of("sharedmemory", "sharedmemory-file", "sharedmemory-hazelcast", "sharedmemory-eventadmin",
                    "sharedmemory-shell", "sharedmemory-example", "sharedmemory-http", "sharedmemory-mcp",
                    "sharedmemory-console");

    private static final List<String> BUILT_IN_STRATEGIES =
            List.of("latest-wins", "first-wins", "merge", "version", "custom");
    private static final String NS = "karaf-board";

    private KarafInstance karaf;
    /** The symbolic names of the bundles our features install, from {@code features.xml}. */
    private final Set<String> ourBundles = new TreeSet<>();

    @BeforeAll
    void bootKarafAndInstallTheFeatures() throws Exception {
        stagesEveryFeatureAndBundleOfOurs();
        karaf = KarafInstance.create(HOME, RUN);
        karaf.addDefaultRepository(REPO, "sharedmemory-build");
        karaf.overlay(OVERLAY);

        long start = System.nanoTime();
        karaf.start();
        karaf.awaitStarted(Duration.ofSeconds(180));
        long booted = System.nanoTime();
        String added = karaf.run("feature:repo-add " + FEATURES_URL);
        assertTrue(added.contains("Adding feature url " + FEATURES_URL), added);
        String installed = karaf.run("feature:install " + String.join(" ", FEATURES));
        assertEquals("", installed.strip(), "feature:install prints nothing when it succeeds");
        System.out.printf("Karaf %s: shell ready %.1f s after bin/karaf server, features installed %.1f s later%n",
                HOME.getFileName(), (booted - start) / 1e9, (System.nanoTime() - booted) / 1e9);
    }

    @AfterAll
    void killKarafIfStillRunning() {
        if (karaf != null) {
            karaf.close();
        }
    }

    /**
     * The staged repository holds the features repository and every bundle of ours it names, and {@link #FEATURES}
     * lists every feature: checked before Karaf starts, so a module missing from this module's dependencies is named.
     */
    private void stagesEveryFeatureAndBundleOfOurs() throws Exception {
        Path xml = REPO.resolve("io/sharedmemory/sharedmemory-distribution/" + VERSION + "/sharedmemory-distribution-"
                + VERSION + "-features.xml");
        assertTrue(Files.isRegularFile(xml), () -> "the build staged the features repository at " + xml);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(xml.toFile());

        Set<String> names = new LinkedHashSet<>();
        NodeList features = doc.getElementsByTagNameNS(FEATURES_NS, "feature");
        for (int i = 0; i < features.getLength(); i++) {
            Element feature = (Element) features.item(i);
            if (feature.getParentNode() == doc.getDocumentElement()) {
                names.add(feature.getAttribute("name"));
            }
        }
        assertEquals(new TreeSet<>(names), new TreeSet<>(FEATURES),
                "the features of features.xml and those this test installs (KarafFeatures_BootTest.FEATURES)");

        List<String> missing = new ArrayList<>();
        NodeList bundles = doc.getElementsByTagNameNS(FEATURES_NS, "bundle");
        for (int i = 0; i < bundles.getLength(); i++) {
            String url = bundles.item(i).getTextContent().strip();
            if (url.startsWith("mvn:io.sharedmemory/")) {
                String[] gav = url.substring("mvn:".length()).split("/");
                String artifact = gav[1];
                // sharedmemory-remote-http is the bundle io.sharedmemory.remote.http
                ourBundles.add("io.sharedmemory." + artifact.substring("sharedmemory-".length()).replace('-', '.'));
                Path jar = REPO.resolve("io/sharedmemory/" + artifact + "/" + gav[2] + "/" + artifact + "-" + gav[2]
                        + ".jar");
                if (!Files.isRegularFile(jar)) {
                    missing.add(url + " (add io.sharedmemory:" + artifact + " to karaf-tests/pom.xml)");
                }
            }
        }
        assertEquals(List.of(), missing, "bundles of features.xml that the build did not stage");
    }

    @Test
    @Order(1)
    void everyFeatureIsStartedAndEveryBundleOfOursIsActive() throws Exception {
        Map<String, String> featureStates = columns(karaf.run("feature:list -i"), 0, 3);
        for (String feature : FEATURES) {
            assertEquals("Started", featureStates.get(feature), () -> feature + " in feature:list -i: " + featureStates);
        }
        Map<String, String> bundleStates = columns(karaf.run("bundle:list -t 0 -s"), 4, 1);
        Map<String, String> ours = new TreeMap<>();
        bundleStates.forEach((bsn, state) -> {
            if (bsn.startsWith("io.sharedmemory.")) {
                ours.put(bsn, state);
            }
        });
        assertEquals(ourBundles, ours.keySet(), "the bundles of ours installed in Karaf");
        ours.forEach((bsn, state) -> assertEquals("Active", state, bsn));
    }

    @Test
    @Order(2)
    void smPluginsListsTheFiveBuiltInStrategies() throws Exception {
        String plugins = karaf.run("sm:plugins");
        for (String strategy : BUILT_IN_STRATEGIES) {
            assertTrue(plugins.lines().anyMatch(l -> l.matches("\\* " + strategy + " .*bundle io\\.sharedmemory\\."
                    + "strategies .*")), () -> strategy + " in sm:plugins:\n" + plugins);
        }
        assertTrue(plugins.lines().anyMatch(l -> l.matches("\\* max-value .*bundle io\\.sharedmemory\\.examples .*")),
                () -> "the example feature's strategy in sm:plugins:\n" + plugins);
    }

    @Test
    @Order(3)
    void aNamespaceDeclaredByACfgFileInEtcExists() throws Exception {
        Files.writeString(karaf.etc("io.sharedmemory.namespace-" + NS + ".cfg"), String.join("\n",
                "name = " + NS,
                "defaultPermission = read",
                "permissions = operator=admin,planner=write",
                "conflictStrategy = merge",
                ""), UTF_8);
        // FileInstall polls etc/ and Config Admin delivers asynchronously: wait for the shell to show it
        awaitOutput("sm:namespaces", Duration.ofSeconds(60),
                out -> out.lines().anyMatch(l -> l.matches(NS + "\\s+merge\\s+0 entries")));
    }

    @Test
    @Order(4)
    void aWriteAndAReadGoThroughTheShellWithTheDeclaredPermissions() throws Exception {
        assertEquals("Written " + NS + "/t1 version 1",
                karaf.run("sm:write -a planner " + NS + " t1 '{\"state\":\"open\"}'").strip());
        assertEquals("{\"state\":\"open\"}", karaf.run("sm:read " + NS + " t1").strip());
        assertEquals("Not written (DENIED): Insufficient permissions",
                karaf.run("sm:write -a visitor " + NS + " t1 '{\"state\":\"taken\"}'").strip(),
                "the namespace's default permission (read) from the .cfg file");
    }

    @Test
    @Order(5)
    void theAuditTrailIsWrittenUnderKarafsDataDirectory() throws Exception {
        // where the sharedmemory feature's default configuration puts it (etc/io.sharedmemory.audit.file.cfg)
        Path audit = karaf.data().resolve("sharedmemory/audit/access.jsonl");
        assertTrue(Files.isRegularFile(audit), () -> audit + " exists");
        List<String> entries = Files.readAllLines(audit, UTF_8);
        String written = "\"agentId\":\"planner\",\"action\":\"WRITE\",\"namespace\":\"" + NS
                + "\",\"key\":\"t1\",\"success\":true";
        String refused = "\"agentId\":\"visitor\",\"action\":\"WRITE\",\"namespace\":\"" + NS
                + "\",\"key\":\"t1\",\"success\":false";
        assertTrue(entries.stream().anyMatch(e -> e.contains(written)), () -> "the write in " + entries);
        assertTrue(entries.stream().anyMatch(e -> e.contains(refused)), () -> "the refusal in " + entries);
    }

    @Test
    @Order(5)
    void theDataIsKeptByTheFileStoreUnderKarafsDataDirectory() throws Exception {
        // where the sharedmemory-file feature's default configuration puts it (etc/io.sharedmemory.store.file.cfg),
        // the engine using it (etc/io.sharedmemory.engine.cfg: store=file)
        Path store = karaf.data().resolve("sharedmemory/store");
        assertTrue(Files.isRegularFile(store.resolve("LOCK")), () -> store + " holds the store's lock file");
        String stats = karaf.run("sm:stats");
        assertTrue(stats.lines().anyMatch(l -> l.matches("\\s+store\\s+file")), stats);
        assertTrue(stats.contains(store.toString()), stats);
    }

    @Test
    @Order(5)
    void theClusterFeatureWaitsForItsMemberConfiguration() throws Exception {
        // sharedmemory-hazelcast installed without etc/io.sharedmemory.store.hazelcast.cfg: no member starts, the
        // engine stays on the file store, and sm:cluster says what to configure
        assertEquals("No cluster member runs here (configure io.sharedmemory.store.hazelcast to start one)",
                karaf.run("sm:cluster").strip());
    }

    @Test
    @Order(6)
    void stoppingTheStrategiesBundleRefusesWritesUntilItIsStartedAgain() throws Exception {
        karaf.run("bundle:stop io.sharedmemory.strategies");
        assertEquals("Resolved", columns(karaf.run("bundle:list -t 0 -s"), 4, 1).get("io.sharedmemory.strategies"));
        // stopping a bundle unregisters its services before bundle:stop returns: the very next write is refused
        assertEquals("Not written (STRATEGY_UNAVAILABLE): Conflict strategy \"merge\" is not available",
                karaf.run("sm:write -a planner " + NS + " t2 '{\"state\":\"open\"}'").strip());

        karaf.run("bundle:start io.sharedmemory.strategies");
        awaitOutput("sm:write -a planner " + NS + " t2 '{\"state\":\"open\"}'", Duration.ofSeconds(30),
                out -> out.strip().equals("Written " + NS + "/t2 version 1"));
        assertEquals("{\"state\":\"open\"}", karaf.run("sm:read " + NS + " t1").strip(), "t1 kept across the swap");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void karafStopsCleanlyWithNothingLoggedAsAnError() throws Exception {
        assertEquals(0, karaf.stop(Duration.ofSeconds(60)), "the exit code of bin/karaf server after bin/stop");
        List<String> errors = karaf.log().lines().filter(l -> l.contains("| ERROR |")).toList();
        assertEquals(List.of(), errors, "errors in data/log/karaf.log");
    }

    /** Runs {@code command} until its output satisfies {@code done}, up to {@code timeout}; returns that output. */
    private String awaitOutput(String command, Duration timeout, Predicate<String> done)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String out = karaf.run(command);
        // each bin/client call starts a JVM (about a second): the polling needs no pause of its own
        while (!done.test(out)) {
            assertTrue(System.nanoTime() < deadline,
                    "'" + command + "' not as expected within " + timeout.toSeconds() + " s; last output:\n" + out);
            out = karaf.run(command);
        }
        return out;
    }

    /**
     * Reads a table printed by a Karaf command ({@code a | b | c} rows under a header and a {@code ---+---} rule).
     *
     * @return for each row, column {@code key} mapped to column {@code value}, both stripped
     */
    private static Map<String, String> columns(String table, int key, int value) {
        Map<String, String> rows = new TreeMap<>();
        boolean body = false;
        for (String line : table.lines().toList()) {
            if (line.matches("-+(\\+-+)+\\s*")) {
                body = true;
                continue;
            }
            String[] cells = line.split("\\|");
            if (body && cells.length > Math.max(key, value)) {
                rows.put(cells[key].strip(), cells[value].strip());
            }
        }
        assertTrue(body && !rows.isEmpty(), () -> "a table, not:\n" + table);
        return rows;
    }
}
