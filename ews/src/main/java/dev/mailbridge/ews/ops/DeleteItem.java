package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.Responses;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.List;

/** DeleteItem: HardDelete (permanent), SoftDelete (Recoverable Items) or MoveToDeletedItems. */
public record DeleteItem(List<ItemId> ids, String deleteType) implements EwsOperation<Responses<Void>> {
    public DeleteItem {
        ids = List.copyOf(ids);
        Wire.requireNonEmpty(ids, "ids");
        if (!List.of("HardDelete", "SoftDelete", "MoveToDeletedItems").contains(deleteType)) {
            throw new IllegalArgumentException("deleteType: HardDelete, SoftDelete or MoveToDeletedItems");
        }
    }

    public static DeleteItem toDeletedItems(ItemId... ids) {
        return new DeleteItem(List.of(ids), "MoveToDeletedItems");
    }

    public static DeleteItem hard(ItemId... ids) {
        return new DeleteItem(List.of(ids), "HardDelete");
    }

    @Override
    public String name() {
        return "DeleteItem";
    }

    @Override
    public boolean idempotent() {
        return false;
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("DeleteItem").attr("DeleteType", deleteType);
        Wire.itemIds(out, "ItemIds", ids);
        out.end();
    }

    @Override
    public Responses<Void> readResponse(XmlIn in, ResponseContext ctx) {
        return Wire.messages(in, ctx, i -> new Wire.MessageBody<>() {
            @Override
            public void child(XmlIn x) {
                x.skip();
            }

            @Override
            public Void result() {
                return null;
            }
        });
    }
}
