package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.Responses;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.List;

/** CopyItem: returns the copies' IDs. */
public record CopyItem(FolderRef to, List<ItemId> ids) implements EwsOperation<Responses<ItemId>> {
    public CopyItem {
        ids = List.copyOf(ids);
        Wire.requireNonEmpty(ids, "ids");
    }

    public static CopyItem of(ItemId id, FolderRef to) {
        return new CopyItem(to, List.of(id));
    }

    @Override
    public String name() {
        return "CopyItem";
    }

    @Override
    public boolean idempotent() {
        return false;
    }

    @Override
    public void writeRequest(XmlOut out) {
        MoveCopy.write(out, "CopyItem", to, ids);
    }

    @Override
    public Responses<ItemId> readResponse(XmlIn in, ResponseContext ctx) {
        return Wire.itemIdPerMessage(in, ctx);
    }
}
