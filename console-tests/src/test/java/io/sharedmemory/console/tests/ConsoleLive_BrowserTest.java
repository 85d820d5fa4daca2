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

/**
 * The live view follows a namespace's change stream: another agent's write through the HTTP API appears without a
 * reload, so does a broadcast; pausing and resuming brings what happened meanwhile; and a pause longer than the server
 * keeps events for shows a gap notice (the server keeps {@value ConsoleServer#FEED_EVENTS} events per feed here).
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class ConsoleLive_BrowserTest {
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

    @AfterEach
    void noErrorsInThePage() {
        assertEquals(List.of(), b.consoleErrors(), "errors in the browser's console");
    }

    private void follow(String ns) {
        b.signIn(ConsoleServer.ALICE);
        b.open("#/live/" + ns);
        b.awaitText(By.id("live-status-text"), "Live: following " + ns);
        b.js("window.notReloaded = true");
    }

    private static By row(String key) {
        return By.cssSelector("#live-events li[data-key='" + key + "']");
    }

    @Test
    void aSecondAgentsWriteThroughTheApi_appearsWithoutAReload() throws Exception {
        s.createNamespace(alice, "live-ns", Map.of("defaultPermission", "write"));
        follow("live-ns");
        ConsoleServer.Response w = s.write(bob, "live-ns", "from-bob", Map.of("note", "hello from bob"));
        assertEquals(201, w.status(), w.body());
        String text = b.awaitVisible(row("from-bob")).getText();
        assertTrue(text.contains("WRITE") && text.contains("bob") && text.contains("v1")
                && text.contains("{\"note\":\"hello from bob\"}"), text);

        s.send("DELETE", "/v1/namespaces/live-ns/entries/from-bob", bob, null);
        b.awaitVisible(By.cssSelector("#live-events li[data-action='DELETE'][data-key='from-bob']"));
        s.send("POST", "/v1/namespaces/live-ns/broadcasts", bob, Map.of("message", "standup in 5"));
        b.awaitText(By.cssSelector("#live-events li[data-action='BROADCAST']"), "\"standup in 5\"");
        assertEquals(Boolean.TRUE, b.js("return window.notReloaded === true"), "the page was not reloaded");
        assertEquals("3 events", b.find(By.id("live-count")).getText());
    }

    @Test
    void pausingAndResuming_bringsWhatHappenedMeanwhile_withoutAGap() throws Exception {
        s.createNamespace(alice, "pause-ns", Map.of("defaultPermission", "write"));
        follow("pause-ns");
        s.write(bob, "pause-ns", "before", 0);
        b.awaitVisible(row("before"));
        b.click(By.id("live-pause"));
        b.awaitText(By.id("live-status-text"), "Paused");
        assertEquals("true", b.find(By.id("live-pause")).getAttribute("aria-pressed"));
        for (int i = 0; i < 3; i++) {
            s.write(bob, "pause-ns", "meanwhile-" + i, i);
        }
        assertTrue(b.all(By.cssSelector("#live-events li[data-key^='meanwhile-']")).isEmpty(),
                "nothing arrives while paused: the stream is closed");
        b.click(By.id("live-pause"));
        b.awaitText(By.id("live-status-text"), "resumed");
        b.until(d -> b.all(By.cssSelector("#live-events li[data-key^='meanwhile-']")).size() == 3,
                "the 3 writes made while paused");
        s.write(bob, "pause-ns", "after", 4);
        b.awaitVisible(row("after"));
        assertTrue(b.all(By.cssSelector("#live-events li.gap-notice")).isEmpty(), "no gap");
        assertEquals(List.of("after", "meanwhile-2", "meanwhile-1", "meanwhile-0", "before"),
                b.all(By.cssSelector("#live-events li[data-key]")).stream().map(e -> e.getAttribute("data-key"))
                        .toList(), "newest first, in the namespace's order");
    }

    @Test
    void aPauseLongerThanTheServerKeepsEvents_showsAGapNotice() throws Exception {
        s.createNamespace(alice, "gap-ns", Map.of("defaultPermission", "write"));
        follow("gap-ns");
        b.click(By.id("live-pause"));
        b.awaitText(By.id("live-status-text"), "Paused");
        int writes = ConsoleServer.FEED_EVENTS + 5;
        for (int i = 0; i < writes; i++) {
            s.write(bob, "gap-ns", "k" + i, i);
        }
        b.click(By.id("live-pause"));
        String banner = b.awaitVisible(By.id("gap-banner")).getText();
        assertTrue(banner.contains("Events were missed") && banner.contains("5 events missed"), banner);
        b.awaitVisible(By.cssSelector("#live-events li.gap-notice"));
        b.until(d -> b.all(By.cssSelector("#live-events li[data-key]")).size() == ConsoleServer.FEED_EVENTS,
                "the events the server kept, after the notice");
        assertEquals("k5", b.all(By.cssSelector("#live-events li[data-key]")).get(ConsoleServer.FEED_EVENTS - 1)
                .getAttribute("data-key"), "the oldest one shown is the first the server kept");
    }
}
