package io.sharedmemory.console.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Namespaces and entries through the console, checked against the HTTP API: a namespace created with the form exists
 * with the configuration typed; an entry written in the editor is listed and read back; a write whose expected version
 * has moved on shows both values and can then overwrite knowingly; keys come page by page under a prefix; clearing
 * and deleting ask first, and clearing removes the entries only.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class ConsoleEntries_BrowserTest {
    private static Browser b;
    private static ConsoleServer s;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void start() throws Exception {
        b = Browser.get();
        s = b.server;
        alice = s.token(ConsoleServer.ALICE);
        bob = s.token(ConsoleServer.BOB);
    }

    @BeforeEach
    void signIn() {
        b.signIn(ConsoleServer.ALICE);
    }

    @AfterEach
    void noErrorsInThePage() {
        assertEquals(List.of(), b.consoleErrors(), "errors in the browser's console");
    }

    @Test
    void aNamespaceCreatedWithTheForm_isListedWithItsConfiguration_andAliceIsItsAdmin() throws Exception {
        b.open("#/namespaces");
        b.click(By.id("new-namespace"));
        b.type(By.id("ns-name"), "created-in-browser");
        b.type(By.id("ns-strategy"), "merge");
        b.find(By.cssSelector("#ns-default option[value='read']")).click();
        b.type(By.id("ns-max"), "250");
        b.type(By.id("ns-ttl"), "90");
        b.find(By.cssSelector("#namespace-form button[type='submit']")).click();

        By row = By.cssSelector("#namespaces tr[data-namespace='created-in-browser']");
        b.awaitVisible(row);
        String text = b.find(row).getText();
        for (String expected : List.of("merge", "90 s", "250", "read", "admin")) {
            assertTrue(text.contains(expected), () -> expected + " in the row: " + text);
        }
        ConsoleServer.Response r = s.get("/v1/namespaces/created-in-browser", alice);
        assertEquals(200, r.status(), r.body());
        assertEquals("admin", r.json().get("permission"));
        assertEquals(Map.of("defaultPermission", "read", "permissions", Map.of("alice", "admin"),
                "conflictStrategy", "merge", "maxEntries", 250, "ttlMillis", 90_000), r.json().get("config"));

        b.click(By.id("new-namespace"));
        b.type(By.id("ns-name"), "created-in-browser");
        b.find(By.cssSelector("#namespace-form button[type='submit']")).click();
        // the API would take a second creation by its admin for a reconfiguration: the form does not send it
        b.awaitText(By.cssSelector("#namespace-form .notice"), "\"created-in-browser\" exists");
        assertEquals(250, ((Map<?, ?>) s.get("/v1/namespaces/created-in-browser", alice).json().get("config"))
                .get("maxEntries"), "its configuration unchanged");
    }

    @Test
    void anEntryWrittenInTheEditor_isListed_andReadBackByTheApi() throws Exception {
        s.createNamespace(alice, "editor-ns", Map.of("defaultPermission", "write"));
        b.open("#/namespaces/editor-ns");
        b.click(By.id("new-entry"));
        b.type(By.id("entry-key"), "task-1");
        WebElement value = b.find(By.id("entry-value"));
        value.clear();
        value.sendKeys("{\"state\": \"open\", \"points\": 3}");
        b.click(By.id("write-entry"));
        b.awaitText(By.id("write-outcome"), "WRITTEN · version 1");
        b.awaitText(By.id("entry-version"), "1");
        assertEquals("alice", b.find(By.id("entry-owner")).getText());
        b.awaitVisible(By.cssSelector("#entries tr[data-key='task-1']"));
        assertEquals("{\"state\":\"open\",\"points\":3}",
                b.find(By.cssSelector("#entries tr[data-key='task-1'] td.value")).getText());

        ConsoleServer.Response r = s.get("/v1/namespaces/editor-ns/entries/task-1", bob);
        assertEquals(Map.of("state", "open", "points", 3), r.json().get("value"));
        assertEquals(1, r.json().get("version"));

        // a second version, written over the one shown
        value = b.find(By.id("entry-value"));
        value.clear();
        value.sendKeys("{\"state\": \"done\"}");
        b.click(By.id("write-entry"));
        b.awaitText(By.id("write-outcome"), "WRITTEN · version 2");
        assertEquals(Map.of("state", "done"), s.get("/v1/namespaces/editor-ns/entries/task-1", bob).json().get("value"));
    }

    @Test
    void aVersionConflict_showsBothValues_andOverwritingIsADecision() throws Exception {
        s.createNamespace(alice, "conflict-ns", Map.of("defaultPermission", "write"));
        s.write(alice, "conflict-ns", "plan", Map.of("step", 1));
        b.open("#/namespaces/conflict-ns/entries/plan");
        b.awaitText(By.id("entry-version"), "1");

        // parsed, not Map.of: the page shows the fields in the order they were written, and Map.of's is unspecified
        ConsoleServer.Response theirs = s.write(bob, "conflict-ns", "plan",
                Json.parseObject("{\"step\": 2, \"by\": \"bob\"}"));
        assertEquals(200, theirs.status(), theirs.body());

        WebElement value = b.find(By.id("entry-value"));
        value.clear();
        value.sendKeys("{\"step\": 10, \"by\": \"alice\"}");
        b.click(By.id("write-entry"));
        b.awaitVisible(By.id("conflict"));
        String refusal = b.find(By.cssSelector("#conflict .refusal")).getText();
        assertTrue(refusal.contains("409 Conflict") && refusal.contains("VERSION_MISMATCH"), refusal);
        assertEquals("{\n  \"step\": 10,\n  \"by\": \"alice\"\n}", b.find(By.id("conflict-mine")).getText());
        assertEquals("{\n  \"step\": 2,\n  \"by\": \"bob\"\n}", b.find(By.id("conflict-theirs")).getText());
        assertTrue(b.find(By.cssSelector("#conflict")).getText().contains("Current: version 2, by bob"));
        assertEquals(Map.of("step", 2, "by", "bob"),
                s.get("/v1/namespaces/conflict-ns/entries/plan", alice).json().get("value"), "nothing written yet");

        b.click(By.id("conflict-overwrite"));
        b.awaitText(By.id("write-outcome"), "WRITTEN · version 3");
        assertEquals(Map.of("step", 10, "by", "alice"),
                s.get("/v1/namespaces/conflict-ns/entries/plan", alice).json().get("value"));
    }

    @Test
    void keysComePageByPage_underAPrefix() throws Exception {
        s.createNamespace(alice, "paged-ns", Map.of("defaultPermission", "read"));
        for (int i = 0; i < 30; i++) {
            s.write(alice, "paged-ns", String.format("p-%02d", i), i);
        }
        s.write(alice, "paged-ns", "q-1", "other");
        b.open("#/namespaces/paged-ns");
        b.awaitVisible(By.cssSelector("#entries tr[data-key='q-1']"));
        b.find(By.cssSelector("#page-size option[value='25']")).click();
        b.type(By.id("prefix"), "p-");
        b.find(By.id("prefix")).submit();
        b.until(d -> b.all(By.cssSelector("#entries tbody tr")).size() == 25
                && b.all(By.cssSelector("#entries tr[data-key='q-1']")).isEmpty(), "the first page of p- keys");
        assertEquals("p-00", b.find(By.cssSelector("#entries tbody tr")).getAttribute("data-key"));
        b.click(By.id("page-next"));
        b.until(d -> b.all(By.cssSelector("#entries tbody tr")).size() == 5, "the second page: 5 keys");
        assertEquals("p-25", b.find(By.cssSelector("#entries tbody tr")).getAttribute("data-key"));
        assertTrue(!b.find(By.id("page-next")).isEnabled(), "no third page");
        b.click(By.id("page-prev"));
        b.until(d -> b.all(By.cssSelector("#entries tbody tr")).size() == 25, "back to the first page");
        assertTrue(b.driver.getCurrentUrl().endsWith("?prefix=p-"), b.driver.getCurrentUrl());
    }

    @Test
    void deletingAnEntryOrANamespace_asksFirst_andCancelKeepsIt() throws Exception {
        s.createNamespace(alice, "doomed-ns", Map.of("defaultPermission", "read"));
        s.write(alice, "doomed-ns", "k", 1);
        b.open("#/namespaces/doomed-ns/entries/k");
        b.click(By.id("delete-entry"));
        WebElement dialog = b.awaitVisible(By.cssSelector("dialog[open]"));
        assertEquals("Cancel", b.active().getText(), "the focus is on Cancel: Enter alone deletes nothing");
        dialog.findElement(By.xpath(".//button[text()='Cancel']")).click();
        b.until(d -> b.all(By.cssSelector("dialog[open]")).isEmpty(), "the dialog closed");
        assertEquals(200, s.get("/v1/namespaces/doomed-ns/entries/k", alice).status());

        b.click(By.id("delete-entry"));
        b.awaitVisible(By.cssSelector("dialog[open]")).findElement(By.xpath(".//button[text()='Delete']")).click();
        b.awaitText(By.id("editor"), "Deleted \"k\".");
        assertEquals(404, s.get("/v1/namespaces/doomed-ns/entries/k", alice).status());

        b.open("#/namespaces");
        b.awaitVisible(By.cssSelector("#namespaces tr[data-namespace='doomed-ns'] [data-action='delete']")).click();
        b.awaitVisible(By.cssSelector("dialog[open]")).findElement(By.xpath(".//button[text()='Delete']")).click();
        b.until(d -> b.all(By.cssSelector("#namespaces tr[data-namespace='doomed-ns']")).isEmpty(),
                "the namespace gone from the list");
        assertEquals(404, s.get("/v1/namespaces/doomed-ns", alice).status());
    }
    @Test
    void clearingANamespace_asksFirst_thenRemovesEveryEntry_andKeepsItsConfigurationAndPermissions() throws Exception {
        s.createNamespace(alice, "cleared-ns", Map.of("defaultPermission", "read", "maxEntries", 100,
                "permissions", Map.of(ConsoleServer.BOB, "write")));
        for (int i = 0; i < 5; i++) {
            s.write(i % 2 == 0 ? alice : bob, "cleared-ns", "k" + i, i);
        }
        b.open("#/namespaces");
        By entries = By.cssSelector("#namespaces tr[data-namespace='cleared-ns'] td:nth-child(3)");
        b.awaitText(entries, "5");
        By clear = By.cssSelector("#namespaces tr[data-namespace='cleared-ns'] [data-action='clear']");

        b.click(clear);
        WebElement dialog = b.awaitVisible(By.cssSelector("dialog[open]"));
        assertTrue(dialog.getText().contains("Remove every entry of \"cleared-ns\" (5 now)?"), dialog.getText());
        assertEquals("Cancel", b.active().getText(), "the focus is on Cancel: Enter alone clears nothing");
        dialog.findElement(By.xpath(".//button[text()='Cancel']")).click();
        b.until(d -> b.all(By.cssSelector("dialog[open]")).isEmpty(), "the dialog closed");
        assertEquals(List.of("k0", "k1", "k2", "k3", "k4"), keys("cleared-ns"), "Cancel keeps every entry");

        b.click(clear);
        b.awaitVisible(By.cssSelector("dialog[open]")).findElement(By.xpath(".//button[text()='Clear']")).click();
        b.until(ExpectedConditions.textToBe(entries, "0"), "no entry left in the list (the list reloaded)");
        assertEquals(List.of(), keys("cleared-ns"), "the API lists no key");
        assertEquals(404, s.get("/v1/namespaces/cleared-ns/entries/k0", alice).status());
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) s.get("/v1/namespaces/cleared-ns", alice).json()
                .get("config");
        assertEquals(100, ((Number) config.get("maxEntries")).intValue(), "the configuration stays");
        assertEquals(201, s.write(bob, "cleared-ns", "k0", 1).status(),
                "k0 created anew: bob's write permission stays");
    }

    @SuppressWarnings("unchecked")
    private static List<String> keys(String namespace) throws Exception {
        ConsoleServer.Response r = s.get("/v1/namespaces/" + namespace + "/keys", alice);
        assertEquals(200, r.status(), r.body());
        return (List<String>) r.json().get("keys");
    }
}
