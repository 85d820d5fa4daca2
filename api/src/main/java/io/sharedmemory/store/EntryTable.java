package io.sharedmemory.store;

import io.sharedmemory.api.MemoryEntry;
import java.util.function.BiConsumer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The entries of one namespace, as a {@link MemoryStore} keeps them.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #apply} is the only way entries change (besides {@link #clear()}): atomic per key, linearizable with
 *       {@link #get} and with every other {@code apply} of the same key. Different keys proceed in parallel.</li>
 *   <li>Reads ({@link #get}, {@link #liveValue}) never see a decision half-installed. A store that keeps its entries
 *       in memory reads without locks.</li>
 *   <li>{@link #forEach} is weakly consistent: every entry stored throughout the call is visited once, each visited
 *       entry is one that was stored at some moment during the call.</li>
 *   <li>Room ({@link #reserve}/{@link #release}) is counted exactly across every user of the table, also across
 *       processes for a {@link StoreCapability#SHARED} store: the number of stored entries plus the reservations
 *       outstanding never exceeds the limit a successful {@link #reserve} was given.</li>
 *   <li>A failure to store is a {@link StoreException}, after which nothing changed (unless it says the outcome is
 *       unknown).</li>
 * </ul>
 */
@ConsumerType
public interface EntryTable {
    /** What {@link #liveValue} returns for a key whose entry has reached its deadline. */
    Object EXPIRED = new Object() {
        @Override
        public String toString() {
            return "EXPIRED";
        }
    };

    /**
     * The table the engine reads through ({@link #get}, {@link #liveValue}): this one, unless this table wraps another
     * that holds the same entries and only adds to its writes (a durable store logging each decision), in which case
     * that one — so a read costs what it costs in memory, one call less deep. Reads through it must see every change
     * applied through this table as soon as {@link #apply} installed it. Asked once, when the namespace is opened.
     *
     * @return the table to read from
     * @since 1.2
     */
    default EntryTable reads() {
        return this;
    }

    /**
     * @param key the key
     * @return the entry stored for the key (live or past its deadline), or null
     * @throws StoreException when the store cannot answer
     */
    MemoryEntry get(String key);

    /**
     * The value of the key's entry if it is live at {@code nowMillis}: what a read needs, which a store that keeps
     * the value beside the entry answers without reading the entry.
     *
     * @param key the key
     * @param nowMillis the time of the read, in epoch milliseconds
     * @return the value; null when the key holds nothing; {@link #EXPIRED} when its entry reached its deadline
     * @throws StoreException when the store cannot answer
     */
    default Object liveValue(String key, long nowMillis) {
        MemoryEntry e = get(key);
        return e == null ? null : e.isExpiredAt(nowMillis) ? EXPIRED : e.value();
    }

    /**
     * Runs a step atomically for its key and installs its decision.
     *
     * @param key the key
     * @param step the decision to make; see {@link KeyStep} for how often and where a store may run it
     * @param hook called in the key's atomic region after the decision is installed, by stores with
     *        {@link StoreCapability#LOCAL_STEP} (others ignore it); may be null
     * @return the decision installed (for a step run elsewhere, as the {@link StoreCodec} carried it back)
     * @throws StoreException when nothing was stored (or, per {@link StoreException#outcomeUnknown()}, when the store
     *         cannot tell); a step's own StoreException is passed on
     * @throws IllegalStateException when called from inside a step of the same table
     */
    Decision apply(String key, KeyStep step, CommitHook hook);

    /**
     * Visits every stored entry, live or past its deadline; weakly consistent.
     *
     * @param action called with each key and its entry
     */
    void forEach(BiConsumer<String, MemoryEntry> action);

    /** @return the number of stored entries, live or past their deadline; exact when nothing changes meanwhile */
    long size();

    /**
     * Reserves room for one more entry, exactly. The engine asks again after a write into a full namespace swept
     * its dead entries, so a table should not count the room of a key that {@link #get} and {@link #forEach} no
     * longer show: a removal still under way in another thread is waited for, not counted (the in-memory and file
     * tables do so). A table that removes a key and gives back its room in two operations, like the cluster's, must
     * say so: a write can then be refused while another process's sweep is between the two.
     *
     * @param maxEntries the limit, at least 1
     * @return true when the entries stored plus the rooms reserved were below the limit (one more room is now
     *         reserved), false when not
     * @throws StoreException when the store cannot answer
     */
    boolean reserve(int maxEntries);

    /** Gives back one room reserved with {@link #reserve} that no key took. */
    void release();

    /**
     * Removes every entry. The engine calls it with no step of the table running.
     *
     * @throws StoreException when nothing was removed
     */
    void clear();
}
