package io.sharedmemory.console.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * An admin's changes in the permissions view are the namespace's permissions: the API reports them, and the agents
 * concerned are allowed or refused accordingly at once. An agent that may write but is no admin sees neither the
 * per-agent table nor any configure, clear or delete control.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class ConsolePermissions_BrowserTest {
    private static final String NS = "granted-ns";
    private static Browser b;
    private static ConsoleServer s;
    private static String alice;
    private static String bob;
    private static String carol;

    @BeforeAll
    static void start() throws Exception {
        b = Browser.get();
        s = b.server;
        alice = s.token(ConsoleServer.ALICE);
        bob = s.token(ConsoleServer.BOB);
        carol = s.token(ConsoleServer.CAROL);
        s.createNamespace(alice, NS, Map.of("defaultPermission", "none",
                "permissions", Map.of(ConsoleServer.CAROL, "read")));
        s.write(alice, NS, "doc", Map.of("text", "original"));
    }

    @AfterEach
    void noErrorsInThePage() {
        assertEquals(List.of(), b.consoleErrors(), "errors in the browser's console");
    }

    @Test
    void anAdminsEdit_isWhatTheApiReports_andAllowsAndRefusesAccordingly() throws Exception {
        assertEquals(403, s.write(carol, NS, "doc", "carol's").status(), "carol may only read, before");
        assertEquals(403, s.get("/v1/namespaces/" + NS + "/entries/doc", bob).status(), "bob may not even read");

        b.signIn(ConsoleServer.ALICE);
        b.open("#/permissions/" + NS);
        b.awaitVisible(By.id("permissions-table"));
        assertEquals("read", permissionShown(ConsoleServer.CAROL));
        assertTrue(b.all(By.cssSelector("#permissions-table tbody tr[data-agent='bob']")).isEmpty(), "bob not listed");
        // carol's row changed, bob added: sent together
        new Select(b.find(By.cssSelector("select[data-agent='carol']"))).selectByValue("write");
        b.type(By.id("grant-agent"), ConsoleServer.BOB);
        new Select(b.find(By.id("grant-permission"))).selectByValue("read");
        b.click(By.id("save-permissions"));
        b.awaitText(By.id("permissions-outcome"), "Saved: carol → write, bob → read");

        assertEquals("write", permissionShown(ConsoleServer.CAROL), "the table as reloaded from the API");
        assertEquals("read", permissionShown(ConsoleServer.BOB));
        Map<String, Object> reported = permissions();
        assertEquals("write", reported.get(ConsoleServer.CAROL));
        assertEquals("read", reported.get(ConsoleServer.BOB));
        assertEquals(200, s.write(carol, NS, "doc", "carol's").status(), "carol may write now");
        assertEquals(200, s.get("/v1/namespaces/" + NS + "/entries/doc", bob).status(), "bob may read now");
        assertEquals(403, s.write(bob, NS, "doc", "bob's").status(), "but not write");

        // taken away again: carol to none
        new Select(b.find(By.cssSelector("select[data-agent='carol']"))).selectByValue("none");
        b.click(By.id("save-permissions"));
        b.awaitText(By.id("permissions-outcome"), "Saved: carol → none");
        assertEquals("none", permissions().get(ConsoleServer.CAROL));
        assertEquals(403, s.get("/v1/namespaces/" + NS + "/entries/doc", carol).status(), "carol may not read now");
        assertEquals(200, s.get("/v1/namespaces/" + NS + "/entries/doc", bob).status(), "bob's row unchanged");
    }

    @Test
    void aWriterWhoIsNoAdmin_seesNoClearConfigureDeleteOrPermissionControls() throws Exception {
        String writerNs = "writers-ns";
        s.createNamespace(alice, writerNs, Map.of("defaultPermission", "none",
                "permissions", Map.of(ConsoleServer.BOB, "write")));
        s.write(alice, writerNs, "doc", 1);

        b.signIn(ConsoleServer.BOB);
        b.open("#/namespaces");
        By row = By.cssSelector("#namespaces tr[data-namespace='" + writerNs + "']");
        b.awaitVisible(row);
        assertTrue(b.find(row).getText().contains("write"), b.find(row).getText());
        assertTrue(b.find(row).findElements(By.tagName("button")).isEmpty(), "no configure, clear or delete");

        b.open("#/permissions/" + writerNs);
        b.awaitText(By.id("permissions-body"), "Only the admins of " + writerNs);
        assertEquals("write", b.find(By.id("own-permission")).getText());
        assertTrue(b.all(By.id("permissions-form")).isEmpty(), "no table to edit");
        assertTrue(b.all(By.id("permissions-table")).isEmpty(), "not even to read");
        assertEquals(403, s.get("/v1/namespaces/" + writerNs + "/permissions", bob).status(),
                "and the API would not have shown it either");
    }

    private static String permissionShown(String agent) {
        WebElement select = b.find(By.cssSelector("select[data-agent='" + agent + "']"));
        return new Select(select).getFirstSelectedOption().getAttribute("value");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> permissions() throws Exception {
        ConsoleServer.Response r = s.get("/v1/namespaces/" + NS + "/permissions", alice);
        assertEquals(200, r.status(), r.body());
        return (Map<String, Object>) r.json().get("permissions");
    }
}
