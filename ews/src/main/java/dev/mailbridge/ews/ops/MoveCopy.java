package dev.mailbridge.ews.ops;

import static dev.mailbridge.ews.xml.Ns.M;

import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.Responses;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.Item;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.xml.XmlIn;
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

    static Responses<ItemId> read(XmlIn in, ResponseContext ctx) {
        return Wire.messages(in, ctx, i -> new Wire.MessageBody<>() {
            ItemId id;

            @Override
            public void child(XmlIn x) {
                if (x.is(M, "Items")) {
                    List<Item> items = Wire.readItems(x, null, 0);
                    id = items.isEmpty() ? null : items.get(0).id();
                } else {
                    x.skip();
                }
            }

            @Override
            public ItemId result() {
                return id;
            }
        });
    }
}
