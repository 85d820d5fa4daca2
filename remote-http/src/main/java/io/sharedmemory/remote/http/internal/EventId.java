package io.sharedmemory.remote.http.internal;

/**
 * An event id, {@code <feed>-<seq>}: the feed that numbered the event (base-36 digits) and its number there.
 *
 * @param feed the feed's id
 * @param seq the event's number, 0 for "before the first event"
 */
public record EventId(String feed, long seq) {
    /** Why a resume from an id that is not of the current feed cannot be exact. */
    public static final String UNKNOWN = "the id is not one of this agent's current feed of the namespace (the feed "
            + "ended: namespace deleted, permission revoked, unused too long, or the server restarted); events since it "
            + "may have been missed: re-read the state you need";

    /**
     * @param id an id as the server sent it
     * @return it parsed
     * @throws IllegalArgumentException when it is not an event id
     */
    public static EventId parse(String id) {
        int dash = id.lastIndexOf('-');
        if (dash <= 0 || dash == id.length() - 1 || id.length() > 64
                || !id.substring(0, dash).chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'z')) {
            throw new IllegalArgumentException("not an event id: \"" + id + "\"");
        }
        try {
            long seq = Long.parseLong(id.substring(dash + 1));
            if (seq < 0 || id.charAt(dash + 1) == '+') {
                throw new NumberFormatException();
            }
            return new EventId(id.substring(0, dash), seq);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an event id: \"" + id + "\"");
        }
    }

    /**
     * @param feed the agent's current feed of the namespace
     * @return the first event number to deliver after this id, or -1 when the id is not of that feed (or is ahead of
     *         it): the resume cannot be exact
     */
    public long resumeFrom(Feed feed) {
        return feed.id().equals(this.feed) && seq <= feed.head() ? seq + 1 : -1;
    }
}
