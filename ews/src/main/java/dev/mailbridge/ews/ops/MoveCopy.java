package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.List;

final class MoveCopy {
    private MoveCopy() {}

    static void write(XmlOut out, String element, FolderRef to, List<ItemId> ids) {
        out.m(element).m("ToFolderId");
        Wire.folderRef(out, to);
        out.end();
        Wire.itemIds(out, "ItemIds", ids);
        out.mText("ReturnNewItemIds", "true");
        out.end();
    }
}
