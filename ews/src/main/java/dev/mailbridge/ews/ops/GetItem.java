package dev.mailbridge.ews.ops;

import static dev.mailbridge.ews.xml.Ns.M;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.Responses;
import dev.mailbridge.ews.model.Item;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.List;

/**
 * GetItem: properties of items, in batches (~10 recommended). With MIME content requested, each
 * item's MIME is base64-decoded straight into the {@link Wire.MimeSink} for its position in the
 * request (never held whole in memory); {@link Item#mimeBytes()} tells how much was written.
 */
public record GetItem(List<ItemId> ids, ItemShape shape, Wire.MimeSink mimeSink)
        implements EwsOperation<Responses<Item>> {
    public GetItem {
        ids = List.copyOf(ids);
        Wire.requireNonEmpty(ids, "ids");
        if (shape.includeMimeContent() && mimeSink == null) {
            throw new IllegalArgumentException("MIME content requested without a sink to stream it to");
        }
    }

    public static GetItem of(List<ItemId> ids, ItemShape shape) {
        return new GetItem(ids, shape, null);
    }

    /** One item's MIME content, streamed into {@code sink} (which is closed afterwards). */
    public static GetItem mime(ItemId id, java.io.OutputStream sink) {
        return new GetItem(List.of(id), ItemShape.mime(), position -> sink);
    }

    @Override
    public String name() {
        return "GetItem";
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("GetItem");
        shape.write(out);
        Wire.itemIds(out, "ItemIds", ids);
        out.end();
    }

    @Override
    public Responses<Item> readResponse(XmlIn in, ResponseContext ctx) {
        return Wire.messages(in, ctx, position -> new Wire.MessageBody<>() {
            Item item;

            @Override
            public void child(XmlIn x) {
                if (x.is(M, "Items")) {
                    List<Item> items = Wire.readItems(x, mimeSink, position);
                    item = items.isEmpty() ? null : items.get(0);
                } else {
                    x.skip();
                }
            }

            @Override
            public Item result() {
                return item;
            }
        });
    }
}
