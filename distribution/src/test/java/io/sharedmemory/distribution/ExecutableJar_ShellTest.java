package io.sharedmemory.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The executable jar's Gogo shell as an operator uses it (Felix's own console, reading stdin): each answer printed
 * once, UTF-8 stored as typed (issue 16, item 12), a shipped bundle updated from a jar as the README says (item 17),
 * and a secret typed at {@code sm:login}'s prompt not shown on the terminal (item 20).
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ExecutableJar_ShellTest {
    @Test
    void eachAnswerIsPrintedOnce_andUtf8IsStoredAsTyped() throws Exception {
        try (RunningDistribution d = RunningDistribution.prepare("shell-utf8")) {
            d.start().awaitPrompt(1, 60);
            assertEquals("Created namespace load2: strategy latest-wins, default write, [operator=admin]",
                    d.command("sm:create -d write load2"));
            assertEquals(1, RunningDistribution.count(d.output(), "Created namespace load2"), "printed once");

            assertEquals("Written load2/kä version 1", d.command("sm:write load2 kä \"värde\""));
            assertEquals("kä", d.command("sm:keys load2"));
            assertEquals("\"värde\"", d.command("sm:read load2 kä"));
            assertEquals("Created namespace 名前: strategy latest-wins, default write, [operator=admin]",
                    d.command("sm:create -d write 名前"), "not refused as control character U+0090");
            assertEquals("Written 名前/日本 version 1", d.command("sm:write 名前 日本 '{\"ключ\":\"значение\"}'"));
            assertEquals("{\"ключ\":\"значение\"}", d.command("sm:read 名前 日本"));

            d.type("stop 0");
            d.waitFor(30);
            String audit = Files.readString(d.run.resolve("audit/access.jsonl"), StandardCharsets.UTF_8);
            assertTrue(audit.contains("\"namespace\":\"load2\",\"key\":\"kä\",\"success\":true"), audit);
            assertFalse(audit.contains("Ã"), "nothing garbled in the audit file");
        }
    }

    @Test
    void aShippedBundle_isUpdatedFromAJar_asTheReadmeSays() throws Exception {
        try (RunningDistribution d = RunningDistribution.prepare("shell-update")) {
            d.start().awaitPrompt(1, 60);
            String listed = d.command("lb strategies");
            Matcher id = Pattern.compile("(?m)^\\s*(\\d+)\\|Active\\s*\\|.*sharedmemory :: strategies").matcher(listed);
            assertTrue(id.find(), listed);
            String update = d.command("update " + id.group(1) + " "
                    + RunningDistribution.STRATEGIES_JAR.toAbsolutePath().toUri());
            assertEquals("", update, "no error");
            assertTrue(d.command("lb strategies").matches("(?s).*\\b" + id.group(1) + "\\|Active.*"));
            assertEquals("Written tasks/t version 1", d.command("sm:write -a planner tasks t '{\"a\":1}'"),
                    "the merge strategy is back");
        }
    }

    @Test
    void aSecretTypedAtTheLoginPrompt_isNotShownOnTheTerminal() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script(1) gives the jar a terminal");
        try (RunningDistribution d = RunningDistribution.prepare("shell-login")) {
            String secret = "s3cret-" + Long.toHexString(System.nanoTime());
            Files.writeString(d.conf.resolve("io.sharedmemory.authenticator.cfg"), "agents=worker-1="
                    + RunningDistribution.secretHash(secret)
                    + "\nsigningKey=" + Base64.getEncoder().encodeToString(new byte[32]) + "\n");
            d.startOnATerminal().awaitPrompt(1, 60);
            d.type("sm:login worker-1");
            d.awaitOutput("secret for worker-1: ", 30);
            d.type(secret);
            d.awaitOutput("Logged in as worker-1", 30);
            assertFalse(d.output().contains(secret), () -> "the secret is on the terminal: " + d.output());
            assertTrue(d.output().contains("sm:login worker-1"), "what is typed is shown, but the secret");
            d.type("stop 0");
            d.waitFor(30);
        }
    }
}
