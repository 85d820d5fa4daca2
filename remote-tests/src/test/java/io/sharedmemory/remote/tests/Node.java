package io.sharedmemory.remote.tests;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Node.js and the npm packages of {@code remote-tests/node} (the MCP TypeScript SDK and the MCP conformance suite,
 * versions fixed by its {@code package-lock.json}). {@code .ci/run} installs Node from Debian when it is missing; the
 * packages are installed here with {@code npm ci} the first time.
 */
final class Node {
    static final Path DIR = Path.of(System.getProperty("node.dir", "node")).toAbsolutePath().normalize();

    record Result(int exit, String output) {
    }

    private Node() {
    }

    static synchronized void install() throws Exception {
        if (Files.isDirectory(DIR.resolve("node_modules/@modelcontextprotocol/sdk"))
                && Files.isDirectory(DIR.resolve("node_modules/@modelcontextprotocol/conformance"))) {
            return;
        }
        Result r = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
        if (r.exit() != 0) {
            throw new IllegalStateException("npm ci in " + DIR + " failed (is Node.js with npm installed? .ci/run "
                    + "installs it): " + r.output());
        }
    }

    static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("node-", ".log");
        Process p;
        try {
            p = new ProcessBuilder(new ArrayList<>(command)).directory(DIR.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(command.get(0) + " is not installed (.ci/run installs Node.js from "
                    + "Debian): " + e.getMessage(), e);
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out after " + timeoutSeconds + " s: " + Files.readString(log,
                    StandardCharsets.UTF_8));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Result(p.exitValue(), out);
    }
}
