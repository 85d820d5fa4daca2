package io.sharedmemory.console.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * Signing in and out: a wrong secret is refused with the API's status and message, the right one opens the console as
 * that agent, signing out forgets the token and shows the sign-in form, and a token the server finds expired sends the
 * browser back to the sign-in form with the API's message — and then back to the view it was on.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class ConsoleSession_BrowserTest {
    private static Browser b;

    @BeforeAll
    static void start() throws Exception {
        b = Browser.get();
    }

    @AfterEach
    void noErrorsInThePage() {
        assertEquals(List.of(), b.consoleErrors(), "errors in the browser's console");
    }

    @Test
    void signIn_wrongSecretRefusedAsTheApiSaysIt_thenSignedInAsTheAgent_thenSignedOut() {
        b.open("");
        b.js("sessionStorage.clear()");
        b.driver.navigate().refresh();
        b.type(By.id("agent"), ConsoleServer.ALICE);
        b.type(By.id("secret"), "not-the-secret");
        b.find(By.id("secret")).sendKeys(Keys.ENTER);
        b.awaitText(By.cssSelector("#signin-outcome .refusal"), "401 Unauthorized");
        b.awaitText(By.cssSelector("#signin-outcome .refusal"), "the agent id and secret prove nothing");
        assertNull(b.js("return sessionStorage.getItem('sharedmemory.console.session')"));

        b.type(By.id("secret"), ConsoleServer.secret(ConsoleServer.ALICE));
        b.find(By.id("secret")).sendKeys(Keys.ENTER);
        b.awaitText(By.id("who-agent"), ConsoleServer.ALICE);
        b.awaitVisible(By.id("namespaces"));
        assertTrue(b.find(By.id("who-until")).getText().startsWith("session until"));

        b.click(By.id("sign-out"));
        b.awaitVisible(By.id("signin-form"));
        b.awaitText(By.id("signin-outcome"), "You signed out.");
        assertFalse(b.find(By.id("top")).isDisplayed(), "no header, no views once signed out");
        assertNull(b.js("return sessionStorage.getItem('sharedmemory.console.session')"), "the token is forgotten");
        b.driver.navigate().refresh();
        b.awaitVisible(By.id("signin-form"));
    }

    @Test
    void anExpiredToken_sendsTheBrowserBackToSignIn_withTheApisMessage_andBackToItsViewAfterwards() throws Exception {
        ConsoleServer s = b.server;
        Clock twoHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
        var expired = s.authenticator(twoHoursAgo, Duration.ofHours(1)).issue(ConsoleServer.BOB).orElseThrow();
        // the page's own timer would sign out too; a far expiry makes sure the server's 401 is what does it here
        b.open("");
        b.js("sessionStorage.setItem('sharedmemory.console.session', JSON.stringify("
                + "{token: arguments[0], agentId: 'bob', expiresAt: '2999-01-01T00:00:00Z'}))", expired.token());
        b.driver.get(s.console + "#/log");
        b.awaitVisible(By.id("signin-form"));
        b.awaitText(By.id("signin-outcome"), "Signed out: the token is not valid");
        assertNull(b.js("return sessionStorage.getItem('sharedmemory.console.session')"));

        b.type(By.id("agent"), ConsoleServer.BOB);
        b.type(By.id("secret"), ConsoleServer.secret(ConsoleServer.BOB));
        b.find(By.id("secret")).sendKeys(Keys.ENTER);
        b.awaitText(By.id("who-agent"), ConsoleServer.BOB);
        b.awaitVisible(By.id("log-filter"));
        assertTrue(b.driver.getCurrentUrl().endsWith("#/log"), b.driver.getCurrentUrl());
    }

    @Test
    void theSessionsEnd_signsOutByItself() {
        b.open("");
        b.js("sessionStorage.clear()");
        b.driver.navigate().refresh();
        b.type(By.id("agent"), ConsoleServer.CAROL);
        b.type(By.id("secret"), ConsoleServer.secret(ConsoleServer.CAROL));
        b.find(By.id("secret")).sendKeys(Keys.ENTER);
        b.awaitText(By.id("who-agent"), ConsoleServer.CAROL);
        // the token's lifetime as the console knows it, cut to one second from now: its timer signs out then
        b.js("const s = JSON.parse(sessionStorage.getItem('sharedmemory.console.session'));"
                + "s.expiresAt = new Date(Date.now() + 1000).toISOString();"
                + "sessionStorage.setItem('sharedmemory.console.session', JSON.stringify(s));");
        b.driver.navigate().refresh();
        b.awaitVisible(By.id("signin-form"));
        b.awaitText(By.id("signin-outcome"), "Your session expired at");
    }
}
