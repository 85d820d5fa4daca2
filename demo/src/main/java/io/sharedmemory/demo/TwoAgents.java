package io.sharedmemory.demo;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Two agents share a task board: a coordinator posts tasks, a worker reacts to each through a subscription and posts
 * its result; the coordinator then reads the results and the audit trail. Run it on the module path:
 * {@code java -p demo/target/modules -m io.sharedmemory.demo}.
 */
public final class TwoAgents {
    private TwoAgents() {
    }

    public static void main(String[] args) throws InterruptedException {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        try (SharedMemory memory = SharedMemory.create()) {
            memory.createNamespace("tasks", NamespaceConfig.builder()
                    .defaultPermission(Permission.READ)
                    .permission("coordinator", Permission.ADMIN)
                    .build());
            memory.createNamespace("results", NamespaceConfig.builder()
                    .defaultPermission(Permission.READ)
                    .permission("worker", Permission.WRITE)
                    .conflictStrategy(NamespaceConfig.MERGE)
                    .build());

            CountDownLatch done = new CountDownLatch(tasks);
            Subscription worker = memory.subscribe("tasks", "worker", change -> {
                if (change.action() == ChangeAction.WRITE) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> task = (Map<String, Object>) change.value();
                    String text = (String) task.get("text");
                    memory.write("results", change.key(), Map.of("answer", text.toUpperCase(java.util.Locale.ROOT), "by", "worker"),
                            "worker");
                    done.countDown();
                }
            });

            for (int i = 1; i <= tasks; i++) {
                WriteResult r = memory.write("tasks", "task-" + i, Map.of("text", "summarise report " + i),
                        "coordinator");
                System.out.println("coordinator posted task-" + i + ": " + r.status() + " v" + r.version());
            }
            if (!done.await(10, TimeUnit.SECONDS)) {
                System.out.println("worker did not finish in time");
                System.exit(2);
            }
            worker.unsubscribe();

            WriteResult refused = memory.write("tasks", "task-1", Map.of("text", "tampered"), "worker");
            System.out.println("worker writing to tasks: " + refused.status() + " (" + refused.message() + ")");

            Map<String, Object> results = memory.getAll("results", "coordinator");
            for (String key : List.copyOf(new java.util.TreeSet<>(results.keySet()))) {
                System.out.println("coordinator read " + key + " = " + results.get(key));
            }
            System.out.println("access log entries: " + memory.getAccessLog().size()
                    + ", failures: " + memory.getAccessLog().stream().filter(e -> !e.success()).count());
            System.out.println("stats: " + memory.getStats().namespaces() + " namespaces, "
                    + memory.getStats().totalEntries() + " entries");
            boolean flushed = worker.awaitDelivery(Duration.ofSeconds(1));
            System.out.println(flushed ? "done" : "done (delivery still pending)");
        }
    }
}
