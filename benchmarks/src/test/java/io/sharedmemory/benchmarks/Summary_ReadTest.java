package io.sharedmemory.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summary reads JMH's result files (bare NaN included) and the footprint files with the project's JSON codec. */
class Summary_ReadTest {
    @TempDir
    Path dir;

    private static final String JMH = """
            [
                {
                    "jmhVersion" : "1.37",
                    "benchmark" : "io.sharedmemory.benchmarks.Workloads.read",
                    "mode" : "thrpt",
                    "threads" : 1,
                    "forks" : 1,
                    "params" : {
                        "subject" : "engine"
                    },
                    "primaryMetric" : {
                        "score" : 8571234.5,
                        "scoreError" : NaN,
                        "scoreConfidence" : [
                            NaN,
                            NaN
                        ],
                        "scoreUnit" : "ops/s"
                    },
                    "secondaryMetrics" : {
                        "·gc.alloc.rate.norm" : {
                            "score" : 33.0,
                            "scoreError" : NaN,
                            "scoreUnit" : "B/op"
                        }
                    }
                }
            ]
            """;

    @Test
    void readsJmhResultsWithBareNaN_andFootprints_intoSummaryJson() throws Exception {
        Files.writeString(dir.resolve("jmh-threads-1.json"), JMH, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("memory-engine.json"), "{\"subject\":\"engine\",\"entries\":1000000,"
                + "\"liveBefore\":1,\"liveAfter\":2,\"bytesPerEntry\":329.0}\n", StandardCharsets.UTF_8);
        Summary.write(dir, "test");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) Json.parse(
                Files.readString(dir.resolve("summary.json")));
        Map<String, Object> read = rows.stream().filter(r -> "read".equals(r.get("workload"))).findFirst()
                .orElseThrow();
        assertEquals("engine", read.get("subject"));
        assertEquals(1, read.get("threads"));
        assertEquals(8571234.5, read.get("opsPerSecond"));
        assertEquals(null, read.get("opsPerSecondError"), "NaN is no figure");
        assertEquals(33, read.get("bytesPerOp"));
        assertTrue(rows.stream().anyMatch(r -> "retained-1000000-entries".equals(r.get("variant"))
                && Integer.valueOf(329).equals(r.get("bytesPerEntry"))), rows::toString);
    }

    @Test
    void bareNaNIsReadAsNull_butNaNInsideAStringIsKept() {
        assertEquals("[null, null,{\"a\":null},\"NaN\",\"x: NaN\"]",
                Summary.withoutNaN("[NaN, -Infinity,{\"a\":NaN},\"NaN\",\"x: NaN\"]"));
    }
}
