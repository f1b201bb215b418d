package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.model.BaseShape;
import dev.mailbridge.ews.model.Folder;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.List;

/** FindFolder: the subfolders of a folder (Shallow) or its whole subtree (Deep), one page at a time. */
public record FindFolder(
        FolderRef parent, boolean deep, BaseShape shape, List<String> additionalProperties, int offset, int pageSize)
        implements EwsOperation<FindFolder.Page> {

    /** One page; continue with {@code nextOffset} until {@code includesLastItemInRange}. */
    public record Page(List<Folder> folders, int nextOffset, int totalItemsInView, boolean includesLastItemInRange) {
        public Page {
            folders = List.copyOf(folders);
        }
    }

    public FindFolder {
        additionalProperties = List.copyOf(additionalProperties);
        if (offset < 0 || pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("offset >= 0 and 1 <= pageSize <= 1000 (Exchange's limit)");
        }
    }

    public static FindFolder of(FolderRef parent, boolean deep) {
        return new FindFolder(parent, deep, BaseShape.DEFAULT, List.of(), 0, 1000);
    }

    public FindFolder at(int newOffset) {
        return new FindFolder(parent, deep, shape, additionalProperties, newOffset, pageSize);
    }

    @Override
    public String name() {
        return "FindFolder";
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("FindFolder").attr("Traversal", deep ? "Deep" : "Shallow");
        Wire.folderShape(out, shape, additionalProperties);
        out.m("IndexedPageFolderView")
                .attr("MaxEntriesReturned", Integer.toString(pageSize))
                .attr("Offset", Integer.toString(offset))
                .attr("BasePoint", "Beginning")
                .end();
        out.m("ParentFolderIds");
        Wire.folderRef(out, parent);
        out.end().end();
    }

    @Override
    public Page readResponse(XmlIn in, ResponseContext ctx) {
        return Wire.messages(in, ctx, i -> Paging.rootFolder(offset, "Folders", Wire::readFolders, Page::new))
                .single();
    }
}
