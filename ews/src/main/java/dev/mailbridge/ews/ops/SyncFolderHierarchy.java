package dev.mailbridge.ews.ops;

import static dev.mailbridge.ews.xml.Ns.M;
import static dev.mailbridge.ews.xml.Ns.T;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.model.BaseShape;
import dev.mailbridge.ews.model.FolderChange;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.ArrayList;
import java.util.List;

/**
 * SyncFolderHierarchy: folder changes since {@code syncState} (null for a full sync). Loop while
 * {@code includesLastFolderInRange} is false. Throws {@link dev.mailbridge.ews.error.EwsInvalidSyncStateException}
 * when the state is no longer valid: start again with null.
 *
 * @param syncFolder root of the synchronised tree; null = the mailbox root (do not mix null and root
 *     across calls of one sync state)
 */
public record SyncFolderHierarchy(FolderRef syncFolder, String syncState, BaseShape shape)
        implements EwsOperation<SyncFolderHierarchy.Result> {

    public record Result(String syncState, boolean includesLastFolderInRange, List<FolderChange> changes) {
        public Result {
            changes = List.copyOf(changes);
        }
    }

    public static SyncFolderHierarchy of(String syncState) {
        return new SyncFolderHierarchy(null, syncState, BaseShape.DEFAULT);
    }

    @Override
    public String name() {
        return "SyncFolderHierarchy";
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("SyncFolderHierarchy");
        Wire.folderShape(out, shape, List.of());
        if (syncFolder != null) {
            out.m("SyncFolderId");
            Wire.folderRef(out, syncFolder);
            out.end();
        }
        if (syncState != null) {
            out.mText("SyncState", syncState);
        }
        out.end();
    }

    @Override
    public Result readResponse(XmlIn in, ResponseContext ctx) {
        return Wire.messages(in, ctx, i -> new Wire.MessageBody<Result>() {
                    String state;
                    boolean last = true;
                    final List<FolderChange> changes = new ArrayList<>();

                    @Override
                    public void child(XmlIn x) {
                        if (x.is(M, "SyncState")) {
                            state = x.text();
                        } else if (x.is(M, "IncludesLastFolderInRange")) {
                            last = x.booleanText();
                        } else if (x.is(M, "Changes")) {
                            int d = x.depth();
                            while (x.nextChild(d)) {
                                String kind = x.localName();
                                int d2 = x.depth();
                                while (x.nextChild(d2)) {
                                    if (!T.equals(x.namespace())) {
                                        x.skip();
                                    } else if (kind.equals("Delete")
                                            && x.localName().equals("FolderId")) {
                                        changes.add(new FolderChange.Delete(Wire.readFolderId(x)));
                                    } else if (kind.equals("Create") && Wire.isFolderElement(x.localName())) {
                                        changes.add(new FolderChange.Create(Wire.readFolder(x)));
                                    } else if (kind.equals("Update") && Wire.isFolderElement(x.localName())) {
                                        changes.add(new FolderChange.Update(Wire.readFolder(x)));
                                    } else {
                                        x.skip();
                                    }
                                }
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
}
