package dev.mailbridge.ews.ops;

import static dev.mailbridge.ews.xml.Ns.M;
import static dev.mailbridge.ews.xml.Ns.T;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.ItemChange;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.ArrayList;
import java.util.List;

/**
 * SyncFolderItems: item changes in one folder since {@code syncState} (null = initial sync). At most
 * 512 changes per call: loop while {@code includesLastItemInRange} is false, and persist the new state
 * only after applying the page. An invalid state throws
 * {@link dev.mailbridge.ews.error.EwsInvalidSyncStateException}: resync with a null state.
 */
public record SyncFolderItems(
        FolderRef folder,
        ItemShape shape,
        String syncState,
        List<ItemId> ignore,
        int maxChangesReturned,
        boolean associated)
        implements EwsOperation<SyncFolderItems.Result> {

    public static final int MAX_CHANGES = 512;

    public record Result(String syncState, boolean includesLastItemInRange, List<ItemChange> changes) {
        public Result {
            changes = List.copyOf(changes);
        }
    }

    public SyncFolderItems {
        ignore = List.copyOf(ignore);
        if (maxChangesReturned < 1 || maxChangesReturned > MAX_CHANGES) {
            throw new IllegalArgumentException("MaxChangesReturned must be between 1 and 512");
        }
    }

    /** IdOnly, up to 512 changes. */
    public static SyncFolderItems of(FolderRef folder, String syncState) {
        return new SyncFolderItems(folder, ItemShape.idOnly(), syncState, List.of(), MAX_CHANGES, false);
    }

    /** The next call of the same sync, from a result's state. */
    public SyncFolderItems next(Result previous) {
        return new SyncFolderItems(folder, shape, previous.syncState(), ignore, maxChangesReturned, associated);
    }

    @Override
    public String name() {
        return "SyncFolderItems";
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("SyncFolderItems");
        shape.write(out);
        out.m("SyncFolderId");
        Wire.folderRef(out, folder);
        out.end();
        if (syncState != null) {
            out.mText("SyncState", syncState);
        }
        if (!ignore.isEmpty()) {
            Wire.itemIds(out, "Ignore", ignore);
        }
        out.mText("MaxChangesReturned", Integer.toString(maxChangesReturned));
        out.mText("SyncScope", associated ? "NormalAndAssociatedItems" : "NormalItems");
        out.end();
    }

    @Override
    public Result readResponse(XmlIn in, ResponseContext ctx) {
        return Wire.messages(in, ctx, i -> new Wire.MessageBody<Result>() {
                    String state;
                    boolean last = true;
                    final List<ItemChange> changes = new ArrayList<>();

                    @Override
                    public void child(XmlIn x) {
                        if (x.is(M, "SyncState")) {
                            state = x.text();
                        } else if (x.is(M, "IncludesLastItemInRange")) {
                            last = x.booleanText();
                        } else if (x.is(M, "Changes")) {
                            int d = x.depth();
                            while (x.nextChild(d)) {
                                readChange(x, changes);
                            }
                        } else {
                            x.skip();
                        }
                    }

                    @Override
                    public Result result() {
                        return new Result(state, last, changes);
                    }
                })
                .single();
    }

    private static void readChange(XmlIn x, List<ItemChange> changes) {
        String kind = x.localName();
        ItemId id = null;
        Boolean read = null;
        int d = x.depth();
        while (x.nextChild(d)) {
            if (!T.equals(x.namespace())) {
                x.skip();
            } else if (x.localName().equals("ItemId")) {
                id = Wire.readItemId(x);
            } else if (x.localName().equals("IsRead")) {
                read = x.booleanText();
            } else if (kind.equals("Create")) {
                changes.add(new ItemChange.Create(Wire.readItem(x, null, 0)));
            } else if (kind.equals("Update")) {
                changes.add(new ItemChange.Update(Wire.readItem(x, null, 0)));
            } else {
                x.skip();
            }
        }
        if (kind.equals("Delete") && id != null) {
            changes.add(new ItemChange.Delete(id));
        } else if (kind.equals("ReadFlagChange") && id != null) {
            changes.add(new ItemChange.ReadFlagChange(id, Boolean.TRUE.equals(read)));
        }
    }
}
