package io.sharedmemory.remote.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code sm:token <agent>} in the distribution's own shell: it mints a token for a configured agent that holds no
 * secret anyone knows (carol), prints it once, and the token works over HTTP as carol; an agent the authenticator does
 * not know gets none.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class TokenCommand_E2ETest {
    @Test
    void theOperatorMintsATokenThatActsAsTheAgent() throws Exception {
        RunningDistribution d = RunningDistribution.get();
        String out = d.console("sm:token carol", "Token for carol until");
        String[] lines = out.split("\\R");
        String token = lines[1].strip();
        Http http = new Http(d.base);
        Http.Response who = http.get("/v1/whoami", token);
        assertEquals(200, who.status(), out);
        assertEquals("carol", who.json().get("agentId"));
        assertTrue(d.outputText().contains("sharedmemory: the console minted a token for carol"),
                "the minting is logged (never the token)");

        String none = d.console("sm:token mallory", "No token");
        assertTrue(none.startsWith("No token: \"mallory\" is not an agent"), none);
    }
}
