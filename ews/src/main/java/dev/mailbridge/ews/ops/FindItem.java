package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.Item;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.List;

/**
 * FindItem with an indexed page view. Page through with {@link #next(Page)} until
 * {@code includesLastItemInRange}; use the server's {@code IndexedPagingOffset}, never offset+count
 * (Exchange may return partial pages under throttling). Exchange caps pages at 1000 items.
 */
public record FindItem(FolderRef parent, ItemShape shape, int offset, int pageSize, boolean newestFirst)
        implements EwsOperation<FindItem.Page> {

    public record Page(List<Item> items, int nextOffset, int totalItemsInView, boolean includesLastItemInRange) {
        public Page {
            items = List.copyOf(items);
        }
    }

    public FindItem {
        if (offset < 0 || pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("offset >= 0 and 1 <= pageSize <= 1000 (Exchange's limit)");
        }
    }

    public static FindItem of(FolderRef parent, int pageSize) {
        return new FindItem(parent, ItemShape.defaults(), 0, pageSize, true);
    }

    /** The request for the page after {@code page}. */
    public FindItem next(Page page) {
        return new FindItem(parent, shape, page.nextOffset(), pageSize, newestFirst);
    }

    @Override
    public String name() {
        return "FindItem";
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("FindItem").attr("Traversal", "Shallow");
        shape.write(out);
        out.m("IndexedPageItemView")
                .attr("MaxEntriesReturned", Integer.toString(pageSize))
                .attr("Offset", Integer.toString(offset))
                .attr("BasePoint", "Beginning")
                .end();
        out.m("SortOrder")
                .t("FieldOrder")
                .attr("Order", newestFirst ? "Descending" : "Ascending")
                .t("FieldURI")
                .attr("FieldURI", "item:DateTimeReceived")
                .end()
                .end()
                .end();
        out.m("ParentFolderIds");
        Wire.folderRef(out, parent);
        out.end().end();
    }

    @Override
    public Page readResponse(XmlIn in, ResponseContext ctx) {
        return Wire.messages(
                        in, ctx, i -> Paging.rootFolder(offset, "Items", x -> Wire.readItems(x, null, 0), Page::new))
                .single();
    }
}
