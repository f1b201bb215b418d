package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.error.EwsInvalidSyncStateException;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.ItemChange;
import java.util.List;

/**
 * The SyncFolderItems loop a sync engine needs: pages of up to 512 changes until
 * IncludesLastItemInRange, handing each page and its new SyncState to the caller (persist the state
 * only after applying the page), and restarting from scratch, once, when Exchange says the stored
 * state is invalid.
 */
public final class ItemSync {
    /** Receives the changes; called on the calling thread. */
    public interface Handler {
        /** Apply the page, then persist {@code newSyncState}. */
        void page(List<ItemChange> changes, String newSyncState);

        /** The stored state was invalid: forget what is known of the folder, a full sync follows. */
        default void reset() {}
    }

    /** What a run did. */
    public record Result(String syncState, int changes, int pages, boolean restarted) {}

    private ItemSync() {}

    /** Syncs {@code folder} from {@code syncState} (null = initial sync) with IdOnly shapes. */
    public static Result run(EwsClient client, FolderRef folder, String syncState, Handler handler) {
        return run(client, SyncFolderItems.of(folder, syncState), handler);
    }

    public static Result run(EwsClient client, SyncFolderItems first, Handler handler) {
        SyncFolderItems request = first;
        boolean restarted = false;
        int changes = 0;
        int pages = 0;
        while (true) {
            SyncFolderItems.Result page;
            try {
                page = client.execute(request);
            } catch (EwsInvalidSyncStateException e) {
                if (restarted || request.syncState() == null) {
                    throw e;
                }
                restarted = true;
                handler.reset();
                request = new SyncFolderItems(
                        first.folder(),
                        first.shape(),
                        null,
                        first.ignore(),
                        first.maxChangesReturned(),
                        first.associated());
                continue;
            }
            handler.page(page.changes(), page.syncState());
            changes += page.changes().size();
            pages++;
            if (page.includesLastItemInRange()) {
                return new Result(page.syncState(), changes, pages, restarted);
            }
            request = request.next(page);
        }
    }
}
