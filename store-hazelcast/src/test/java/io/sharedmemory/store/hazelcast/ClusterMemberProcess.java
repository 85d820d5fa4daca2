package io.sharedmemory.store.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cluster member in a JVM of its own, driven over stdin by {@link HazelcastStore_ProcessKillTest}: it joins the
 * cluster, opens the memory and answers commands — NS (create the namespace), WRITE prefix (write keys prefix0,
 * prefix1, … until STOP, printing "ACK key version" for each acknowledged write), STOP, DUMP (print "HAVE key
 * version" for every key, then END). Its parent may kill it at any moment.
 */
public final class ClusterMemberProcess {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private ClusterMemberProcess() {
    }

    public static void main(String[] args) throws Exception {
        String cluster = args[0];
        int basePort = Integer.parseInt(args[1]);
        int members = Integer.parseInt(args[2]);
        Config c = new Config();
        c.setClusterName(cluster);
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", "none");
        c.setProperty("hazelcast.wait.seconds.before.join", "0");
        c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        c.setProperty("hazelcast.max.no.heartbeat.seconds", "6");
        c.setProperty("hazelcast.operation.fail.on.indeterminate.state", "true");
        c.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.getJetConfig().setEnabled(false);
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(basePort).setPortAutoIncrement(true).setPortCount(10);
        net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        for (int p = basePort; p < basePort + 10; p++) {
            join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + p);
        }
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(c);
        SharedMemory memory = SharedMemory.create(SharedMemoryOptions.builder()
                .store(HazelcastStore.on(hz, "killtest")).build());
        while (hz.getCluster().getMembers().size() < members) {
            Thread.sleep(20); // waiting for the other processes to join; no event to wait on across processes
        }
        OUT.println("READY");
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = null;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] cmd = line.strip().split(" ");
            switch (cmd[0]) {
                case "NS" -> {
                    memory.createNamespace("kill", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                            .build());
                    OUT.println("NS-OK");
                }
                case "WRITE" -> {
                    String prefix = cmd[1];
                    writer = new Thread(() -> {
                        for (int i = 0; !stop.get(); i++) {
                            String key = prefix + i;
                            for (int v = 0; v < (i % 10 == 0 ? 2 : 1); v++) {
                                WriteResult r = memory.write("kill", key, i, "writer-" + prefix);
                                OUT.println(r.isWritten() ? "ACK " + key + " " + r.version()
                                        : "FAIL " + key + " " + r.status() + " " + r.message());
                            }
                        }
                    }, "writer");
                    writer.start();
                }
                case "STOP" -> {
                    stop.set(true);
                    if (writer != null) {
                        writer.join();
                    }
                    OUT.println("STOPPED");
                }
                case "DUMP" -> {
                    for (String key : memory.getKeys("kill", "reader")) {
                        MemoryEntry e = memory.readEntry("kill", key, "reader").orElse(null);
                        OUT.println("HAVE " + key + " " + (e == null ? 0 : e.version()));
                    }
                    OUT.println("END");
                }
                default -> OUT.println("UNKNOWN " + line);
            }
        }
        memory.destroy();
        hz.shutdown();
    }
}
