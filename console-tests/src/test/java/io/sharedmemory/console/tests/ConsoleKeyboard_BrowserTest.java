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
import org.openqa.selenium.Keys;

/**
 * The console with the keyboard alone: sign in, move between views with the number keys, find a namespace with
 * {@code /}, reach an entry with Tab, open it with Enter, edit and write it, open a confirmation and leave it with
 * Escape — every focused control visibly outlined.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class ConsoleKeyboard_BrowserTest {
    private static Browser b;
    private static ConsoleServer s;

    @BeforeAll
    static void start() throws Exception {
        b = Browser.get();
        s = b.server;
        String alice = s.token(ConsoleServer.ALICE);
        s.createNamespace(alice, "keyboard-ns", Map.of("defaultPermission", "read"));
        s.write(alice, "keyboard-ns", "note", Map.of("text", "typed"));
    }

    @AfterEach
    void noErrorsInThePage() {
        assertEquals(List.of(), b.consoleErrors(), "errors in the browser's console");
    }

    @Test
    void signIn_navigate_openAnEntry_writeIt_andLeaveADialog_withTheKeyboardOnly() throws Exception {
        b.open("");
        b.js("sessionStorage.clear()");
        b.driver.navigate().refresh();
        b.awaitVisible(By.id("signin-form"));
        assertEquals("agent", b.active().getAttribute("id"), "the agent id has the focus");
        b.press(ConsoleServer.ALICE, Keys.TAB, ConsoleServer.secret(ConsoleServer.ALICE), Keys.ENTER);
        b.awaitText(By.id("who-agent"), ConsoleServer.ALICE);

        b.press("4");
        b.awaitVisible(By.id("log-filter"));
        b.press("1");
        b.awaitVisible(By.id("namespaces"));
        b.press("/");
        assertEquals("namespace-filter", b.active().getAttribute("id"));
        b.press("keyboard");
        b.until(d -> b.all(By.cssSelector("#namespaces tbody tr")).size() == 1, "one namespace left by the filter");
        b.tabTo(e -> "keyboard-ns".equals(e.getText()) && "A".equals(e.getTagName().toUpperCase()), 10,
                "the namespace's link");
        assertTrue(!b.active().getCssValue("outline-style").equals("none"), "a visible focus ring");
        b.press(Keys.ENTER);
        b.awaitVisible(By.cssSelector("#entries tr[data-key='note']"));

        b.tabTo(e -> "note".equals(e.getText()), 20, "the entry's link");
        b.press(Keys.ENTER);
        b.awaitText(By.id("entry-version"), "1");
        assertEquals("entry-value", b.active().getAttribute("id"), "the editor has the focus");
        b.replaceTyping("{\"text\": \"typed again\"}");
        b.tabTo(e -> "write-entry".equals(e.getAttribute("id")), 5, "the Write button");
        b.press(Keys.ENTER);
        b.awaitText(By.id("write-outcome"), "WRITTEN · version 2");
        String alice = s.token(ConsoleServer.ALICE);
        assertEquals(Map.of("text", "typed again"),
                s.get("/v1/namespaces/keyboard-ns/entries/note", alice).json().get("value"));

        b.tabTo(e -> "delete-entry".equals(e.getAttribute("id")), 10, "the Delete button");
        b.press(Keys.ENTER);
        b.awaitVisible(By.cssSelector("dialog[open]"));
        assertEquals("Cancel", b.active().getText());
        b.press(Keys.ESCAPE);
        b.until(d -> b.all(By.cssSelector("dialog[open]")).isEmpty(), "Escape closes the dialog");
        assertEquals(200, s.get("/v1/namespaces/keyboard-ns/entries/note", alice).status(), "nothing deleted");

        b.press("?");
        b.awaitText(By.cssSelector("dialog[open]"), "Keyboard");
        b.press(Keys.ESCAPE);
        b.until(d -> b.all(By.cssSelector("dialog[open]")).isEmpty(), "Escape closes the help");
    }
}
