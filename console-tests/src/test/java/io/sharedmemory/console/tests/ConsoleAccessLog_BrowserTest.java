package io.sharedmemory.console.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The access log's filters — agent, namespace, action, failures only — show exactly the entries the API gives for the
 * same filter, newest first, and refused operations stand out with their reason.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class ConsoleAccessLog_BrowserTest {
    private static final String NS = "audited-ns";
    private static Browser b;
    private static ConsoleServer s;
    private static String alice;

    @BeforeAll
    static void start() throws Exception {
        b = Browser.get();
        s = b.server;
        alice = s.token(ConsoleServer.ALICE);
        String bob = s.token(ConsoleServer.BOB);
        String carol = s.token(ConsoleServer.CAROL);
        s.createNamespace(alice, NS, Map.of("defaultPermission", "read",
                "permissions", Map.of(ConsoleServer.BOB, "write")));
        s.write(bob, NS, "a", 1);
        s.write(bob, NS, "b", 2);
        s.write(carol, NS, "a", 3); // refused: carol may only read
        s.get("/v1/namespaces/" + NS + "/entries/a", carol);
        s.write(carol, NS, "c", 4); // refused
        s.send("POST", "/v1/namespaces/" + NS + "/clear", carol, null); // refused: not an admin
    }

    @AfterEach
    void noErrorsInThePage() {
        assertEquals(List.of(), b.consoleErrors(), "errors in the browser's console");
    }

    private static List<WebElement> rows() {
        return b.all(By.cssSelector("#log-table tbody tr"));
    }

    @Test
    void theFilters_showWhatTheApiGivesForThem_newestFirst_withRefusalsStandingOut() throws Exception {
        b.signIn(ConsoleServer.ALICE);
        b.open("#/log");
        b.awaitVisible(By.id("log-table"));

        b.type(By.id("log-agent"), ConsoleServer.CAROL);
        b.type(By.id("log-namespace"), NS);
        b.find(By.id("log-agent")).submit();
        b.until(d -> rows().size() == 4 && rows().stream().allMatch(r -> "carol".equals(r.getAttribute("data-agent"))),
                "carol's 4 entries in " + NS);
        List<String> actions = new ArrayList<>();
        for (WebElement r : rows()) {
            actions.add(r.getAttribute("data-action"));
        }
        assertEquals(List.of("CLEAR", "WRITE", "READ", "WRITE"), actions, "newest first");
        List<Instant> times = new ArrayList<>();
        for (WebElement t : b.all(By.cssSelector("#log-table tbody time"))) {
            times.add(Instant.parse(t.getAttribute("datetime")));
        }
        for (int i = 1; i < times.size(); i++) {
            assertFalse(times.get(i).isAfter(times.get(i - 1)), "newest first: " + times);
        }

        b.click(By.id("log-failures"));
        b.until(d -> rows().size() == 3, "carol's 3 refusals");
        for (WebElement r : rows()) {
            assertEquals("false", r.getAttribute("data-success"));
            assertTrue(r.getAttribute("class").contains("refused"), "a refused row stands out");
            assertEquals("refused", r.findElement(By.cssSelector(".badge.refused")).getText());
            assertEquals("Insufficient permissions", r.findElement(By.cssSelector("td.error")).getText());
            assertEquals("rgb(180, 35, 24)", r.findElement(By.cssSelector("td.error")).getCssValue("color")
                    .replace("rgba", "rgb").replace(", 1)", ")"), "the reason in red");
        }
        assertTrue(b.driver.getCurrentUrl().contains("#/log?agent=carol&namespace=" + NS + "&failures=1"),
                "the filter is in the address, to share or reload: " + b.driver.getCurrentUrl());

        b.find(By.cssSelector("#log-action option[value='WRITE']")).click();
        b.until(d -> rows().size() == 2, "carol's 2 refused writes");
        ConsoleServer.Response api = s.get("/v1/access-log?agentId=carol&namespace=" + NS
                + "&action=WRITE&success=false", alice);
        assertEquals(2, ((List<?>) api.json().get("entries")).size(), "the API gives the same for the same filter");

        b.click(By.id("log-failures"));
        b.find(By.cssSelector("#log-action option[value='']")).click();
        b.type(By.id("log-agent"), ConsoleServer.BOB);
        b.find(By.id("log-agent")).submit();
        b.until(d -> rows().size() == 2 && rows().stream().noneMatch(r -> r.getAttribute("class").contains("refused")),
                "bob's 2 writes, none refused");
    }
}
