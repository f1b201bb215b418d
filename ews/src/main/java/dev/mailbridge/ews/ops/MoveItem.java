package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.Responses;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.List;

/** MoveItem. A moved item gets a NEW ItemId: use the returned one, the old one is gone. */
public record MoveItem(FolderRef to, List<ItemId> ids) implements EwsOperation<Responses<ItemId>> {
    public MoveItem {
        ids = List.copyOf(ids);
        Wire.requireNonEmpty(ids, "ids");
    }

    public static MoveItem of(ItemId id, FolderRef to) {
        return new MoveItem(to, List.of(id));
    }

    @Override
    public String name() {
        return "MoveItem";
    }

    @Override
    public boolean idempotent() {
        return false;
    }

    @Override
    public void writeRequest(XmlOut out) {
        MoveCopy.write(out, "MoveItem", to, ids);
    }

    @Override
    public Responses<ItemId> readResponse(XmlIn in, ResponseContext ctx) {
        return Wire.itemIdPerMessage(in, ctx);
    }
}
