package io.sharedmemory.console.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

/**
 * The main views at a laptop's size (1366 × 768), with a few agents at work: each fits the window's width (no
 * horizontal scrolling) and is photographed into {@code target/screenshots/} — with
 * {@code -Dconsole.screenshots.update=true} into {@code docs/console/}, where the README shows them.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class ConsoleScreenshots_BrowserTest {
    private static final String NS = "planning";
    private static Browser b;
    private static ConsoleServer s;
    private static String alice;
    private static String bob;
    private static String carol;

    @BeforeAll
    static void seed() throws Exception {
        b = Browser.get();
        s = b.server;
        alice = s.token(ConsoleServer.ALICE);
        bob = s.token(ConsoleServer.BOB);
        carol = s.token(ConsoleServer.CAROL);
        s.createNamespace(alice, NS, Map.of("defaultPermission", "read", "conflictStrategy", "merge",
                "permissions", Map.of(ConsoleServer.BOB, "write"), "maxEntries", 1000, "ttlMillis", 0));
        s.createNamespace(alice, "results", Map.of("defaultPermission", "read", "conflictStrategy", "version",
                "ttlMillis", 3_600_000));
        s.createNamespace(bob, "scratch", Map.of("defaultPermission", "write", "conflictStrategy", "latest-wins",
                "ttlMillis", 30_000));
        String[] owners = {alice, bob};
        for (int i = 1; i <= 12; i++) {
            s.write(owners[i % 2], NS, "task-" + String.format("%02d", i), Map.of("title", "Step " + i + " of the plan",
                    "state", i < 5 ? "done" : i < 9 ? "in progress" : "open", "assignee", i % 2 == 0 ? "alice" : "bob",
                    "estimate", i * 2));
        }
        s.write(alice, "results", "summary", Map.of("tasks", 12, "done", 4));
        s.write(carol, NS, "task-01", Map.of("state", "reopened")); // refused: carol may only read
        s.get("/v1/namespaces/" + NS + "/entries/task-02", carol);
        s.get("/v1/namespaces/results/entries/summary", bob);
    }

    @Test
    void theMainViews_fitALaptopScreen_andArePhotographed() throws Exception {
        b.open("");
        b.js("sessionStorage.clear()");
        b.driver.navigate().refresh();
        b.awaitVisible(By.id("signin-form"));
        b.type(By.id("agent"), ConsoleServer.ALICE);
        check("01-sign-in");

        b.signIn(ConsoleServer.ALICE);
        b.open("#/namespaces");
        b.awaitVisible(By.cssSelector("#namespaces tr[data-namespace='" + NS + "']"));
        check("02-namespaces");

        b.open("#/namespaces/" + NS + "/entries/task-06");
        b.awaitText(By.id("entry-version"), "1");
        check("03-entry");

        s.write(bob, NS, "task-06", Map.of("state", "blocked", "note", "waiting for the results of task-05"));
        b.find(By.id("entry-value")).clear();
        b.find(By.id("entry-value")).sendKeys("{\"state\": \"done\", \"estimate\": 12}");
        b.click(By.id("write-entry"));
        b.awaitVisible(By.id("conflict"));
        check("04-conflict");

        b.open("#/live/" + NS);
        b.awaitText(By.id("live-status-text"), "Live");
        for (int i = 0; i < 4; i++) {
            s.write(i % 2 == 0 ? bob : alice, NS, "task-0" + (i + 1), Map.of("state", "checked " + i));
        }
        s.send("POST", "/v1/namespaces/" + NS + "/broadcasts", bob, Map.of("message",
                Map.of("from", "bob", "text", "plan revised: see task-06")));
        b.click(By.id("live-pause"));
        b.awaitText(By.id("live-status-text"), "Paused");
        for (int i = 0; i < ConsoleServer.FEED_EVENTS + 3; i++) {
            s.write(bob, NS, "burst-" + i, i);
        }
        b.click(By.id("live-pause"));
        b.awaitVisible(By.cssSelector("#live-events li.gap-notice"));
        b.until(d -> b.all(By.cssSelector("#live-events li[data-key^='burst-']")).size() >= ConsoleServer.FEED_EVENTS,
                "the retained events after the gap");
        check("05-live");

        b.open("#/permissions/" + NS);
        b.awaitVisible(By.id("permissions-table"));
        check("06-permissions");

        // a few refusals among the newest entries
        s.write(carol, NS, "task-03", Map.of("state", "done"));
        s.send("DELETE", "/v1/namespaces/results", bob, null);
        s.send("PUT", "/v1/namespaces/" + NS + "/permissions", bob, Map.of(ConsoleServer.BOB, "admin"));
        s.get("/v1/namespaces/" + NS + "/entries/task-04", carol);
        b.open("#/log");
        b.awaitVisible(By.cssSelector("#log-table tr.refused"));
        check("07-access-log");

        b.open("#/plugins");
        b.awaitVisible(By.id("strategies"));
        b.until(d -> Long.parseLong(d.findElement(By.id("total-writes")).getText()) > 0, "writes in the chart",
                Duration.ofSeconds(30));
        check("08-activity");
        b.js("window.scrollTo(0, document.getElementById('plugins-area').getBoundingClientRect().top"
                + " + window.scrollY - 64)");
        check("09-plugins");
        assertEquals(List.of(), b.consoleErrors(), "errors in the browser's console");
    }

    private static void check(String name) throws Exception {
        assertTrue(b.fitsWidth(), name + ": the page is wider than a " + Browser.WIDTH + " px window");
        b.screenshot(name);
    }
}
