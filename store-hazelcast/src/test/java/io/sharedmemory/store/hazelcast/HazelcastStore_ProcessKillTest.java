package io.sharedmemory.store.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Three cluster members in three JVMs, each writing; one is killed with SIGKILL in the middle of its writes (no
 * shutdown hook, no goodbye to the cluster). Every write any of them acknowledged — the killed one's included — is
 * on the survivors afterwards, with at least the acknowledged version, and the survivors keep serving.
 */
@Tag("slow")
@EnabledOnOs({OS.LINUX, OS.MAC})
class HazelcastStore_ProcessKillTest {
    private static final long MINUTES = 3;
    private final List<Member> members = new ArrayList<>();

    /** One child JVM: its stdin, and every line it printed. */
    private static final class Member {
        final Process process;
        final Writer stdin;
        final List<String> lines = new CopyOnWriteArrayList<>();

        Member(Process process) {
            this.process = process;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException ended) {
                    // the process died
                }
            }, "child-output");
            reader.setDaemon(true);
            reader.start();
        }

        void send(String command) throws IOException {
            stdin.write(command + "\n");
            stdin.flush();
        }

        long count(Predicate<String> p) {
            return lines.stream().filter(p).count();
        }

        void await(String what, Predicate<List<String>> until) {
            org.awaitility.Awaitility.await(what).atMost(MINUTES, TimeUnit.MINUTES)
                    .pollInterval(java.time.Duration.ofMillis(20))
                    .until(() -> {
                        if (!process.isAlive() && !until.test(lines)) {
                            throw new AssertionError(what + ": the member exited: " + lines);
                        }
                        return until.test(lines);
                    });
        }
    }

    @AfterEach
    void kill() {
        for (Member m : members) {
            m.process.destroyForcibly();
        }
    }

    @Test
    void everyAcknowledgedWrite_survivesTheSigkillOfAMember_andTheOthersKeepServing() throws Exception {
        String cluster = "sm-kill-" + UUID.randomUUID();
        int basePort = 22_000 + ThreadLocalRandom.current().nextInt(1_000) * 10;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 0; i < 3; i++) {
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m",
                    "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                    "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), ClusterMemberProcess.class.getName(),
                    cluster, Integer.toString(basePort), "3"));
            members.add(new Member(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start()));
        }
        for (Member m : members) {
            m.await("ready", l -> l.contains("READY"));
        }
        Member a = members.get(0);
        Member b = members.get(1);
        Member victim = members.get(2);
        a.send("NS");
        a.await("namespace", l -> l.contains("NS-OK"));
        a.send("WRITE a");
        b.send("WRITE b");
        victim.send("WRITE c");
        victim.await("the victim's writes", l -> l.stream().filter(s -> s.startsWith("ACK")).count() >= 200);
        victim.process.destroyForcibly(); // SIGKILL
        assertTrue(victim.process.waitFor(1, TimeUnit.MINUTES));
        long aBefore = a.count(s -> s.startsWith("ACK"));
        long bBefore = b.count(s -> s.startsWith("ACK"));
        a.await("a keeps serving", l -> l.stream().filter(s -> s.startsWith("ACK")).count() >= aBefore + 200);
        b.await("b keeps serving", l -> l.stream().filter(s -> s.startsWith("ACK")).count() >= bBefore + 200);
        a.send("STOP");
        b.send("STOP");
        a.await("a stopped", l -> l.contains("STOPPED"));
        b.await("b stopped", l -> l.contains("STOPPED"));
        a.send("DUMP");
        a.await("dump", l -> l.contains("END"));

        Map<String, Long> stored = new ConcurrentHashMap<>();
        for (String line : a.lines) {
            if (line.startsWith("HAVE ")) {
                String[] f = line.split(" ");
                stored.put(f[1], Long.parseLong(f[2]));
            }
        }
        long acked = 0;
        for (Member m : members) {
            for (String line : m.lines) {
                if (line.startsWith("ACK ")) {
                    String[] f = line.split(" ");
                    long version = Long.parseLong(f[2]);
                    Long have = stored.get(f[1]);
                    assertTrue(have != null && have >= version, "acknowledged " + line + " but stored " + have);
                    acked++;
                }
            }
        }
        long victimAcks = victim.count(s -> s.startsWith("ACK"));
        assertTrue(victimAcks >= 200);
        assertEquals(0, a.count(s -> s.startsWith("UNKNOWN")));
        System.out.printf("SIGKILL: %d acknowledged writes of 3 processes (%d by the killed one) all on the "
                + "survivors; failed writes: %d%n", acked, victimAcks,
                members.stream().mapToLong(m -> m.count(s -> s.startsWith("FAIL"))).sum());
    }
}
