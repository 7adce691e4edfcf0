package io.drover.api.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.store.CompactedException;
import io.drover.store.ContinueToken;
import io.drover.store.FutureRevisionException;
import io.drover.store.InvalidContinueTokenException;
import io.drover.store.KeyValue;
import io.drover.store.RangeOptions;
import io.drover.store.RangeResult;
import io.drover.store.Store;
import java.util.Iterator;

/**
 * A list's items, read from the store a page at a time as they are taken, all at the revision of
 * the first page. Serving a list then needs memory for one page, whatever the list's length: read
 * whole, 27,000 ConfigMaps of 4 KB ran a server with a 256 MiB heap out of memory. Pages are sized
 * by the objects' bytes, so large objects make short pages.
 *
 * <p>With a limit it stops once it has returned that many selected items, and then has the
 * continue token (and, without selectors, the remaining count) of the page it stopped in; without
 * one it reads to the end. A label or field selector may leave pages short: it reads on.
 */
public final class ListCursor {
    /** The most keys read per page. */
    static final int MAX_PAGE_KEYS = 500;
    /** The stored bytes a page aims at: a page of 1 MiB Secrets has 8 keys, one of small objects 500. */
    static final long PAGE_BYTES = 8L << 20;
    /**
     * Keys in the first page, before the objects' size is known: as many of the largest objects
     * the store takes as fit {@link #PAGE_BYTES} (5). A first page of 100 keys could hold 150 MiB.
     */
    static final int FIRST_PAGE_KEYS = (int) (PAGE_BYTES / Store.MAX_VALUE_BYTES);

    private final Store store;
    private final ObjectCodec codec;
    private final String prefix;
    private final ListOptions options;
    private Iterator<KeyValue> page;
    private long revision;
    private String pageToken;
    private long remaining;
    private int returned;
    private int pageKeys = FIRST_PAGE_KEYS;

    /**
     * Reads the first page, so that a bad continue token or a compacted revision fails before any
     * answer is sent.
     *
     * @param revision the revision to read at (resourceVersionMatch=Exact), 0 for the current one
     *     or the continue token's
     */
    ListCursor(Store store, ObjectCodec codec, String prefix, ListOptions options, long revision) {
        this.store = store;
        this.codec = codec;
        this.prefix = prefix;
        this.options = options;
        this.pageToken = options.continueToken();
        this.revision = revision;
        readPage();
    }

    /** The revision the list is read at: its metadata.resourceVersion. */
    public long revision() {
        return revision;
    }

    /**
     * The next selected item, or null when the list is done.
     *
     * @throws ApiException 410 Gone when the list's revision was compacted between two pages
     */
    public ObjectNode next() {
        while (true) {
            if (options.limit() > 0 && returned >= options.limit()) {
                return null;
            }
            while (page.hasNext()) {
                ObjectNode object = codec.decode(page.next());
                if (options.selects(object)) {
                    returned++;
                    return object;
                }
            }
            if (pageToken == null) {
                return null;
            }
            readPage();
        }
    }

    /**
     * Where the client's next page starts, once {@link #next()} has returned null: null when the
     * list was read to its end.
     */
    public String continueToken() {
        return pageToken;
    }

    /**
     * How many objects follow the continue token (kube-apiserver's remainingItemCount), or null
     * when there is no token or a selector makes the count unknown.
     */
    public Long remainingItemCount() {
        return continueToken() != null && options.selectsEverything() ? remaining : null;
    }

    private void readPage() {
        int want = options.limit() == 0 ? pageKeys : Math.min(pageKeys, options.limit() - returned);
        // Only the page a limited, unselective list stops in reports how many objects remain.
        boolean lastPageOfLimit = options.limit() > 0 && options.selectsEverything()
                && want == options.limit() - returned;
        RangeResult result;
        try {
            result = store.range(prefix, new RangeOptions(want, revision, pageToken, lastPageOfLimit));
        } catch (CompactedException e) {
            if (options.continueToken() == null) {
                // A list at a given revision (resourceVersionMatch=Exact), or one whose own first
                // page's revision went between two pages: etcd3's expiredErrorMsg.
                throw ApiException.gone("The resourceVersion for the provided list is too old.");
            }
            // handleCompactedErrorForPaging: a token that goes on from the same key at the newest revision.
            String latest = new ContinueToken(ContinueToken.LATEST, ContinueToken.decode(pageToken).startAfter()).encode();
            throw ApiException.gone("The provided continue parameter is too old to display a consistent list "
                    + "result. You can start a new list without the continue parameter, or use the continue token "
                    + "in this response to retrieve the remainder of the results. Continuing with the provided token "
                    + "results in an inconsistent list - objects that were created, modified, or deleted between the "
                    + "time the first chunk was returned and now may show up in the list.", latest);
        } catch (InvalidContinueTokenException e) {
            throw ApiException.badRequest("invalid continue token: " + e.getMessage());
        } catch (FutureRevisionException e) {
            // A continue token naming a revision the store has not reached (it was a 500).
            throw ApiException.resourceVersionTooLarge(e.requestedRevision(), e.currentRevision());
        }
        revision = result.revision();
        pageToken = result.continueToken();
        remaining = result.remaining();
        page = result.kvs().iterator();
        pageKeys = nextPageKeys(result);
    }

    /** As many keys as fit {@link #PAGE_BYTES} at this page's average size, 1 to {@link #MAX_PAGE_KEYS}. */
    private int nextPageKeys(RangeResult result) {
        if (result.kvs().isEmpty()) {
            return pageKeys;
        }
        long bytes = 0;
        for (KeyValue kv : result.kvs()) {
            bytes += kv.value().length;
        }
        long average = Math.max(1, bytes / result.kvs().size());
        return (int) Math.clamp(PAGE_BYTES / average, 1, MAX_PAGE_KEYS);
    }
}
