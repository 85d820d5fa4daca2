package io.sharedmemory.remote.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The MCP server in the running distribution (the MCP Java SDK inside Felix), driven by a client nobody here wrote:
 * the official TypeScript SDK ({@code @modelcontextprotocol/sdk}, Streamable HTTP, bearer token) in a Node script,
 * {@code remote-tests/node/mcp-client.mjs}. It lists the tools, calls each one (with a compare-and-set refused and then
 * made), reads and subscribes to a resource, and checks with a second agent's token that nothing of the first agent's
 * namespace is reachable — including with an {@code agent_id} argument.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class McpTypeScriptClient_E2ETest {
    @Test
    void theTypeScriptSdkUsesEveryToolAsItsTokensAgent() throws Exception {
        Node.install();
        RunningDistribution d = RunningDistribution.get();
        Http http = new Http(d.base);
        String alice = http.token("alice", RunningDistribution.ALICE_SECRET);
        String bob = http.token("bob", RunningDistribution.BOB_SECRET);
        assertEquals(201, http.send("POST", "/v1/namespaces", alice, Map.of("name", "mcp-ts", "config",
                Map.of("defaultPermission", "none"))).status());

        Node.Result r = Node.run(List.of("node", "mcp-client.mjs", d.base + "/mcp", alice, bob, "mcp-ts"), 120);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("{\"done\":true}"), r.output());
        assertTrue(!r.output().contains("\"ok\":false"), r.output());
    }
}
