package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.Responses;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.List;

/**
 * UpdateItem for the properties a mail integration changes: read flag and categories. Returns the
 * item's new change key. Batch several {@link Change}s in one request.
 */
public record UpdateItem(List<Change> changes, String conflictResolution) implements EwsOperation<Responses<ItemId>> {

    /** Changes to one item; null fields are left alone; an empty category list clears the categories. */
    public record Change(ItemId id, Boolean isRead, List<String> categories) {
        public Change {
            categories = categories == null ? null : List.copyOf(categories);
            if (isRead == null && categories == null) {
                throw new IllegalArgumentException("Nothing to change");
            }
        }
    }

    public UpdateItem {
        changes = List.copyOf(changes);
        Wire.requireNonEmpty(changes, "changes");
        if (!List.of("NeverOverwrite", "AutoResolve", "AlwaysOverwrite").contains(conflictResolution)) {
            throw new IllegalArgumentException("conflictResolution: NeverOverwrite, AutoResolve or AlwaysOverwrite");
        }
    }

    public static UpdateItem markRead(ItemId id, boolean read) {
        return new UpdateItem(List.of(new Change(id, read, null)), "AutoResolve");
    }

    public static UpdateItem categories(ItemId id, List<String> categories) {
        return new UpdateItem(List.of(new Change(id, null, categories)), "AutoResolve");
    }

    @Override
    public String name() {
        return "UpdateItem";
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("UpdateItem")
                .attr("MessageDisposition", "SaveOnly")
                .attr("ConflictResolution", conflictResolution)
                .m("ItemChanges");
        for (Change c : changes) {
            out.t("ItemChange");
            Wire.itemId(out, c.id());
            out.t("Updates");
            if (c.isRead() != null) {
                out.t("SetItemField")
                        .t("FieldURI")
                        .attr("FieldURI", "message:IsRead")
                        .end();
                out.t("Message").tText("IsRead", c.isRead().toString()).end().end();
            }
            if (c.categories() != null) {
                if (c.categories().isEmpty()) {
                    out.t("DeleteItemField")
                            .t("FieldURI")
                            .attr("FieldURI", "item:Categories")
                            .end()
                            .end();
                } else {
                    out.t("SetItemField")
                            .t("FieldURI")
                            .attr("FieldURI", "item:Categories")
                            .end();
                    out.t("Message").t("Categories");
                    c.categories().forEach(s -> out.tText("String", s));
                    out.end().end().end();
                }
            }
            out.end().end();
        }
        out.end().end();
    }

    @Override
    public Responses<ItemId> readResponse(XmlIn in, ResponseContext ctx) {
        return Wire.itemIdPerMessage(in, ctx);
    }
}
