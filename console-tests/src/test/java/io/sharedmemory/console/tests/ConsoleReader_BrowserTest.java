package io.sharedmemory.console.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The console can do nothing its agent could not: a reader sees no write controls anywhere; a write forced through
 * the page anyway (controls unhidden by hand) and a write made after the agent's permission was taken away are both
 * refused by the API, and the page shows the API's status and message — nothing is written.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class ConsoleReader_BrowserTest {
    private static final String NS = "readers-ns";
    private static Browser b;
    private static ConsoleServer s;
    private static String alice;
    private static String carol;

    @BeforeAll
    static void start() throws Exception {
        b = Browser.get();
        s = b.server;
        alice = s.token(ConsoleServer.ALICE);
        carol = s.token(ConsoleServer.CAROL);
        s.createNamespace(alice, NS, Map.of("defaultPermission", "none",
                "permissions", Map.of(ConsoleServer.CAROL, "read", ConsoleServer.BOB, "write")));
        s.write(alice, NS, "doc", Map.of("text", "original"));
    }

    @AfterEach
    void noErrorsInThePage() {
        assertEquals(List.of(), b.consoleErrors(), "errors in the browser's console");
    }

    private static boolean shown(By by) {
        return b.all(by).stream().anyMatch(WebElement::isDisplayed);
    }

    @Test
    void aReader_seesNoWriteControls_onAnyView() {
        b.signIn(ConsoleServer.CAROL);
        b.open("#/namespaces");
        By row = By.cssSelector("#namespaces tr[data-namespace='" + NS + "']");
        b.awaitVisible(row);
        assertTrue(b.find(row).getText().contains("read"));
        assertTrue(b.find(row).findElements(By.tagName("button")).isEmpty(), "no configure, clear or delete");

        b.open("#/namespaces/" + NS + "/entries/doc");
        b.awaitText(By.id("entry-version"), "1");
        assertFalse(shown(By.id("new-entry")), "no New entry");
        assertFalse(shown(By.id("write-entry")), "no Write");
        assertFalse(shown(By.id("delete-entry")), "no Delete");
        assertFalse(shown(By.id("expect-version")), "no expectedVersion choice");
        assertEquals("true", b.find(By.id("entry-value")).getAttribute("readonly"));
        assertTrue(b.find(By.id("read-only-note")).getText().contains("carol has read permission"));

        b.open("#/live/" + NS);
        b.awaitText(By.id("live-status-text"), "Live: following " + NS);
        assertFalse(shown(By.id("broadcast-form")), "no broadcast");

        b.open("#/permissions/" + NS);
        b.awaitText(By.id("permissions-body"), "Only the admins of " + NS);
        assertFalse(shown(By.id("permissions-form")));
    }

    @Test
    void aWriteForcedThroughThePage_isRefusedWithTheApisStatusAndMessage() throws Exception {
        // what the API answers carol for this write, asked directly
        ConsoleServer.Response direct = s.send("PUT", "/v1/namespaces/" + NS + "/entries/doc", carol,
                Map.of("value", Map.of("text", "forced"), "expectedVersion", 1));
        assertEquals(403, direct.status(), direct.body());
        String message = (String) direct.json().get("message");

        b.signIn(ConsoleServer.CAROL);
        b.open("#/namespaces/" + NS + "/entries/doc");
        b.awaitText(By.id("entry-version"), "1");
        b.js("document.getElementById('write-entry').hidden = false;"
                + "document.getElementById('entry-value').readOnly = false;");
        WebElement value = b.find(By.id("entry-value"));
        value.clear();
        value.sendKeys("{\"text\": \"forced\"}");
        b.click(By.id("write-entry"));
        WebElement refusal = b.awaitVisible(By.cssSelector("#write-outcome .refusal"));
        assertEquals("Not written: 403 Forbidden DENIED · " + message, refusal.getText());
        assertEquals(Map.of("text", "original"), s.get("/v1/namespaces/" + NS + "/entries/doc", alice).json()
                .get("value"), "nothing written");
    }

    @Test
    void aWriterWhosePermissionWasTakenAway_isRefusedWithTheApisMessage_andThenSeesNoWriteControls()
            throws Exception {
        s.send("PUT", "/v1/namespaces/" + NS + "/permissions", alice, Map.of(ConsoleServer.BOB, "write"));
        b.signIn(ConsoleServer.BOB);
        b.open("#/namespaces/" + NS + "/entries/doc");
        b.awaitVisible(By.id("write-entry"));

        ConsoleServer.Response revoked = s.send("PUT", "/v1/namespaces/" + NS + "/permissions", alice,
                Map.of(ConsoleServer.BOB, "read"));
        assertEquals(200, revoked.status(), revoked.body());
        WebElement value = b.find(By.id("entry-value"));
        value.clear();
        value.sendKeys("{\"text\": \"too late\"}");
        b.click(By.id("write-entry"));
        String refusal = b.awaitVisible(By.cssSelector("#write-outcome .refusal")).getText();
        assertTrue(refusal.startsWith("Not written: 403 Forbidden DENIED · "), refusal);
        assertEquals(Map.of("text", "original"), s.get("/v1/namespaces/" + NS + "/entries/doc", alice).json()
                .get("value"));

        b.driver.navigate().refresh();
        b.awaitText(By.id("entry-version"), "1");
        assertFalse(shown(By.id("write-entry")), "after a reload, bob is a reader");
    }
}
