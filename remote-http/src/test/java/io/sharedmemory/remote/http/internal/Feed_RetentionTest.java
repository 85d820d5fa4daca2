package io.sharedmemory.remote.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A feed keeps its newest events by count and by bytes, without holes, and a reader that asks for an evicted event is
 * told exactly how many it missed; an ended feed returns what it kept, then the reason; ids parse back.
 */
class Feed_RetentionTest {
    private static ChangeEvent write(long v, String value) {
        return new ChangeEvent("ns", "k", value, "alice", ChangeAction.WRITE, v, Instant.EPOCH);
    }

    private static List<Long> seqs(Feed.Batch b) {
        return b.frames().stream().map(Feed.Frame::seq).toList();
    }

    @Test
    void keepsTheNewestByCount_andCountsWhatAReaderMissed() {
        Feed f = new Feed("f", "alice", "ns", 5, 1 << 20);
        for (int v = 1; v <= 12; v++) {
            f.onEvent(write(v, "v" + v));
        }
        assertEquals(12, f.head());
        Feed.Batch fromStart = f.read(1, 100, Long.MAX_VALUE);
        assertEquals(7, fromStart.missed());
        assertEquals(List.of(8L, 9L, 10L, 11L, 12L), seqs(fromStart));
        assertEquals(13, fromStart.next());
        Feed.Batch kept = f.read(10, 2, Long.MAX_VALUE);
        assertEquals(0, kept.missed());
        assertEquals(List.of(10L, 11L), seqs(kept));
        assertTrue(new String(kept.frames().get(0).sse(), java.nio.charset.StandardCharsets.UTF_8)
                .startsWith("id: f-10\ndata: {\"namespace\":\"ns\",\"key\":\"k\",\"value\":\"v10\""));
        assertEquals(List.of(), seqs(f.read(13, 100, Long.MAX_VALUE)));
    }

    @Test
    void keepsAtMostTheByteLimit_butAlwaysTheNewestEvent() {
        String big = "x".repeat(2000);
        Feed f = new Feed("f", "alice", "ns", 1000, 4096);
        for (int v = 1; v <= 10; v++) {
            f.onEvent(write(v, big));
        }
        Feed.Batch b = f.read(1, 100, Long.MAX_VALUE);
        assertEquals(List.of(10L), seqs(b), "two ~2 KB frames exceed 4 KiB: only the newest is kept");
        assertEquals(9, b.missed());
        Feed huge = new Feed("g", "alice", "ns", 1000, 1024);
        huge.onEvent(write(1, big));
        assertEquals(List.of(1L), seqs(huge.read(1, 100, Long.MAX_VALUE)), "the newest is kept even when too big");
    }

    @Test
    void anEndedFeedReturnsWhatItKept_thenTheReason_andTakesNoMore() {
        Feed f = new Feed("f", "alice", "ns", 10, 1 << 20);
        f.onEvent(write(1, "a"));
        f.onEvent(write(2, "b"));
        f.end("namespace deleted");
        f.onEvent(write(3, "c"));
        assertTrue(f.isEnded());
        assertFalse(f.retain(), "an ended feed takes no new user");
        Feed.Batch first = f.read(1, 1, Long.MAX_VALUE);
        assertEquals(List.of(1L), seqs(first));
        assertNull(first.endReason(), "not before the kept events are read");
        Feed.Batch rest = f.read(2, 10, Long.MAX_VALUE);
        assertEquals(List.of(2L), seqs(rest));
        assertEquals("namespace deleted", rest.endReason());
    }

    @Test
    void anOverflowOfTheEngineSubscriptionEndsTheFeed() {
        Feed f = new Feed("f", "alice", "ns", 10, 1 << 20);
        f.onEvent(new ChangeEvent("ns", null, 42, "system", ChangeAction.OVERFLOW, 0, Instant.EPOCH));
        assertTrue(f.isEnded());
        assertTrue(f.read(1, 10, Long.MAX_VALUE).endReason().contains("42 events missed"));
    }

    @Test
    void eventIdsParseBack_andOnlyResumeInTheirOwnFeed() {
        Feed f = new Feed("abc", "alice", "ns", 10, 1 << 20);
        f.onEvent(write(1, "a"));
        f.onEvent(write(2, "b"));
        assertEquals(new EventId("abc", 1), EventId.parse("abc-1"));
        assertEquals(2, EventId.parse("abc-1").resumeFrom(f));
        assertEquals(1, EventId.parse("abc-0").resumeFrom(f));
        assertEquals(-1, EventId.parse("abc-3").resumeFrom(f), "ahead of the feed");
        assertEquals(-1, EventId.parse("other-1").resumeFrom(f));
        for (String bad : List.of("", "abc", "abc-", "-1", "abc--1", "abc-x", "abc-+1")) {
            assertThrowsIllegal(bad);
        }
    }

    private static void assertThrowsIllegal(String id) {
        try {
            EventId.parse(id);
        } catch (IllegalArgumentException expected) {
            return;
        }
        throw new AssertionError("accepted " + id);
    }
}
