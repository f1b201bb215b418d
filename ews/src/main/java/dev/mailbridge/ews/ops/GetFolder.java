package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.Responses;
import dev.mailbridge.ews.model.BaseShape;
import dev.mailbridge.ews.model.Folder;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.List;

/** GetFolder: properties of folders by ID or well-known name; one outcome per folder. */
public record GetFolder(List<FolderRef> folders, BaseShape shape, List<String> additionalProperties)
        implements EwsOperation<Responses<Folder>> {

    public GetFolder {
        folders = List.copyOf(folders);
        additionalProperties = List.copyOf(additionalProperties);
        Wire.requireNonEmpty(folders, "folders");
    }

    public static GetFolder of(FolderRef... folders) {
        return new GetFolder(List.of(folders), BaseShape.DEFAULT, List.of());
    }

    @Override
    public String name() {
        return "GetFolder";
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("GetFolder");
        Wire.folderShape(out, shape, additionalProperties);
        out.m("FolderIds");
        folders.forEach(f -> Wire.folderRef(out, f));
        out.end().end();
    }

    @Override
    public Responses<Folder> readResponse(XmlIn in, ResponseContext ctx) {
        return Wire.folderPerMessage(in, ctx);
    }
}
