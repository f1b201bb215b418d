package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.Responses;
import dev.mailbridge.ews.model.Folder;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.List;

/** CreateFolder: mail folders (FolderClass IPF.Note) under a parent; one outcome per name. */
public record CreateFolder(FolderRef parent, List<String> displayNames) implements EwsOperation<Responses<Folder>> {
    public CreateFolder {
        displayNames = List.copyOf(displayNames);
        Wire.requireNonEmpty(displayNames, "displayNames");
    }

    public static CreateFolder of(FolderRef parent, String... names) {
        return new CreateFolder(parent, List.of(names));
    }

    @Override
    public String name() {
        return "CreateFolder";
    }

    @Override
    public boolean idempotent() {
        return false;
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("CreateFolder").m("ParentFolderId");
        Wire.folderRef(out, parent);
        out.end().m("Folders");
        for (String n : displayNames) {
            out.t("Folder")
                    .tText("FolderClass", "IPF.Note")
                    .tText("DisplayName", n)
                    .end();
        }
        out.end().end();
    }

    @Override
    public Responses<Folder> readResponse(XmlIn in, ResponseContext ctx) {
        return Wire.folderPerMessage(in, ctx);
    }
}
