package io.sharedmemory.console.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The plugins view lists every kind of plugin of the running distribution with the one in use marked, and the store;
 * its chart counts the reads, writes and refusals made through the API in the namespaces the agent may read.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class ConsolePlugins_BrowserTest {
    private static Browser b;
    private static ConsoleServer s;

    @BeforeAll
    static void start() throws Exception {
        b = Browser.get();
        s = b.server;
    }

    @AfterEach
    void noErrorsInThePage() {
        assertEquals(List.of(), b.consoleErrors(), "errors in the browser's console");
    }

    private static List<WebElement> rows(String table) {
        return b.all(By.cssSelector("#" + table + " tbody tr"));
    }

    @Test
    void everyKindOfPlugin_isListedWithItsBundle_andTheOnesInUseAreMarked() {
        b.signIn(ConsoleServer.BOB);
        b.open("#/plugins");
        b.awaitVisible(By.id("strategies"));
        for (String strategy : List.of("latest-wins", "first-wins", "merge", "version", "custom")) {
            WebElement row = b.find(By.cssSelector("#strategies tr[data-name='" + strategy + "']"));
            assertEquals("true", row.getAttribute("data-in-use"), strategy);
            assertTrue(row.getText().contains("io.sharedmemory.strategies"), row.getText());
        }
        assertEquals(1, rows("permission-providers").stream()
                .filter(r -> "true".equals(r.getAttribute("data-in-use"))).count(), "one permission provider decides");
        assertTrue(rows("authenticators").get(0).getText().contains("in use"));
        assertTrue(rows("audit-sinks").stream().anyMatch(r -> r.getText().contains("counts reads, writes and refusals")),
                "the HTTP API's counting sink is listed among the audit sinks");
        assertTrue(rows("audit-sinks").stream().allMatch(r -> "true".equals(r.getAttribute("data-in-use"))),
                "every audit sink receives every entry");
        // the distribution's conf/ names the durable file store (store=file); the memory store is there, unused
        WebElement file = b.find(By.cssSelector("#stores tr[data-name='file']"));
        assertEquals("true", file.getAttribute("data-in-use"));
        assertTrue(file.getText().contains("io.sharedmemory.store.file"), file.getText());
        WebElement memory = b.find(By.cssSelector("#stores tr[data-name='memory']"));
        assertEquals("false", memory.getAttribute("data-in-use"));
        assertTrue(memory.getText().contains("io.sharedmemory.engine"), memory.getText());
        assertEquals("Store: file", b.find(By.id("store-title")).getText());
        assertTrue(b.find(By.id("cluster-panel")).getText().contains("Not clustered"));
    }

    @Test
    void theChart_countsReadsWritesAndRefusals_ofTheNamespacesTheAgentMayRead() throws Exception {
        String carol = s.token(ConsoleServer.CAROL);
        String bob = s.token(ConsoleServer.BOB);
        s.createNamespace(carol, "charted-ns", Map.of("defaultPermission", "read"));
        s.createNamespace(bob, "hidden-from-carol", Map.of("defaultPermission", "none"));
        b.signIn(ConsoleServer.CAROL);
        b.open("#/plugins");
        b.awaitText(By.id("chart-summary"), "Last 5 minutes");
        long reads = total("reads");
        long writes = total("writes");
        long refusals = total("refusals");

        for (int i = 0; i < 7; i++) {
            s.write(carol, "charted-ns", "k" + i, i);
        }
        for (int i = 0; i < 4; i++) {
            s.get("/v1/namespaces/charted-ns/entries/k" + i, bob);
        }
        for (int i = 0; i < 3; i++) {
            s.write(bob, "charted-ns", "k" + i, "no"); // refused: bob may only read
        }
        for (int i = 0; i < 50; i++) {
            s.write(bob, "hidden-from-carol", "k" + i, i); // not carol's to see
        }
        b.until(d -> total("writes") >= writes + 7 && total("reads") >= reads + 4 && total("refusals") >= refusals + 3,
                "the new operations in the chart's totals", Duration.ofSeconds(30));
        assertEquals(writes + 7, total("writes"), "carol's namespaces only: bob's 50 writes elsewhere are not hers");
        assertEquals(reads + 4, total("reads"));
        assertEquals(refusals + 3, total("refusals"));
        assertEquals(3, b.all(By.cssSelector("#ops-chart polyline")).size(), "three lines: reads, writes, refusals");
    }

    private static long total(String what) {
        return Long.parseLong(b.find(By.id("total-" + what)).getText());
    }
}
