package io.sharedmemory.console.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The plugins view of a clustered distribution: two distribution processes, set up as the README's "Many JVMs"
 * walk-through sets up its members (each its own working directory, {@code store=hazelcast} in place of the file
 * store, the member configuration of {@code distribution/target/cluster/} with its own Hazelcast port, the same random
 * cluster name, its own HTTP port). Each member's console shows the Hazelcast store in use and shared, and the cluster
 * with both members' addresses — its own marked as this one.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConsoleCluster_BrowserTest {
    private static Browser b;
    private static ConsoleServer node1;
    private static ConsoleServer node2;
    private static String address1;
    private static String address2;
    private static String cluster;

    @BeforeAll
    static void startTwoMembers() throws Exception {
        b = Browser.get();
        int port1 = ConsoleServer.freePort();
        int port2 = ConsoleServer.freePort();
        // Hazelcast prints a member's address as [host]:port
        address1 = "[127.0.0.1]:" + port1;
        address2 = "[127.0.0.1]:" + port2;
        cluster = "sm-console-" + ProcessHandle.current().pid() + "-" + port1;
        String members = "127.0.0.1:" + port1 + ",127.0.0.1:" + port2;
        // both start before either is awaited: the second joins while the first boots, as members of a cluster do
        node1 = ConsoleServer.start("console-cluster/node1", conf -> member(conf, cluster, members, port1));
        node2 = ConsoleServer.start("console-cluster/node2", conf -> member(conf, cluster, members, port2));
        node1.awaitReady();
        node2.awaitReady();
    }

    /** conf/ of a member: the Hazelcast store in place of the file store, and the distribution's member settings. */
    private static void member(Path conf, String cluster, String members, int port) throws java.io.IOException {
        Path dist = Path.of(System.getProperty("distribution.dir", "../distribution")).toAbsolutePath();
        Path engine = conf.resolve("io.sharedmemory.engine.cfg");
        Files.writeString(engine, Files.readString(engine).replaceAll("(?m)^store=.*$", "store=hazelcast"));
        Files.delete(conf.resolve("io.sharedmemory.store.file.cfg"));
        Files.writeString(conf.resolve("io.sharedmemory.store.hazelcast.cfg"),
                Files.readString(dist.resolve("target/cluster/io.sharedmemory.store.hazelcast.cfg"))
                        .replaceAll("(?m)^clusterName=.*$", "clusterName=" + cluster)
                        .replaceAll("(?m)^members=.*$", "members=" + members)
                        .replaceAll("(?m)^port=.*$", "port=" + port));
    }

    @AfterAll
    static void stopBoth() {
        // away from the members' consoles first: a page polling a stopped server logs errors the next test would see
        if (b != null) {
            b.driver.get("about:blank");
        }
        // stopped together: neither waits for the other's partitions to migrate back
        if (node2 != null) {
            node2.terminate();
        }
        if (node1 != null) {
            node1.stop();
        }
        if (node2 != null) {
            node2.stop();
        }
    }

    @AfterEach
    void noErrorsInThePage() {
        assertEquals(List.of(), b.consoleErrors(), "errors in the browser's console");
    }

    @Test
    void eachMembersPluginsView_showsTheStoreClustered_withBothMembers_itselfMarked() throws Exception {
        awaitMembers(node1, 2);
        awaitMembers(node2, 2);
        for (ConsoleServer node : List.of(node1, node2)) {
            String self = node == node1 ? address1 : address2;
            String other = node == node1 ? address2 : address1;
            b.signIn(node, ConsoleServer.BOB);
            b.open(node, "#/plugins");
            b.awaitText(By.id("cluster-title"), "Cluster");
            assertEquals("Store: hazelcast", b.find(By.id("store-title")).getText());
            WebElement hazelcast = b.find(By.cssSelector("#stores tr[data-name='hazelcast']"));
            assertEquals("true", hazelcast.getAttribute("data-in-use"));
            assertTrue(hazelcast.getText().contains("io.sharedmemory.store.hazelcast"), hazelcast.getText());
            assertTrue(hazelcast.getText().contains("SHARED"), hazelcast.getText());
            assertEquals("false", b.find(By.cssSelector("#stores tr[data-name='memory']")).getAttribute("data-in-use"));

            String panel = b.find(By.id("cluster-panel")).getText();
            assertTrue(panel.contains("shared by the members of a cluster"), panel);
            assertTrue(panel.contains(cluster), "the cluster's name: " + panel);
            List<WebElement> members = b.all(By.cssSelector("#cluster-members li"));
            assertEquals(2, members.size(), panel);
            assertEquals(Set.of(address1, address2), members.stream().map(m -> m.getAttribute("data-address"))
                    .collect(Collectors.toSet()), panel);
            List<WebElement> marked = members.stream().filter(m -> "true".equals(m.getAttribute("data-self"))).toList();
            assertEquals(1, marked.size(), panel);
            assertEquals(self, marked.get(0).getAttribute("data-address"), "the member serving this console");
            assertEquals(List.of(self, "this member"), texts(marked.get(0)), "shown, with its badge");
            assertEquals(List.of(other), texts(members.stream().filter(m -> m != marked.get(0)).findFirst()
                    .orElseThrow()), "the other member, without a badge");
            if (node == node1) {
                // the store and cluster panels under the page's header, with the Refresh button above them
                b.js("window.scrollTo(0, document.getElementById('plugins-area').getBoundingClientRect().top"
                        + " + window.scrollY - 110)");
                assertTrue(b.fitsWidth(), "the page is wider than a " + Browser.WIDTH + " px window");
                b.screenshot("10-cluster");
            }
        }
    }

    private static List<String> texts(WebElement member) {
        return member.findElements(By.tagName("span")).stream().map(WebElement::getText).toList();
    }

    /** Polls the member's API (another process: no event to wait on) until its cluster has n members. */
    private static void awaitMembers(ConsoleServer node, int n) throws Exception {
        String token = node.token(ConsoleServer.BOB);
        try {
            await(node.base + " in a cluster of " + n).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> members(node, token), m -> m.startsWith(n + " "));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + node.outputText(), e);
        }
    }

    /** The members of the node's store as {@code GET /v1/plugins} states them: their number, then their addresses. */
    private static String members(ConsoleServer node, String token) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> store = (Map<String, Object>) node.get("/v1/plugins", token).json().get("store");
        return String.valueOf(store.get("members"));
    }
}
