package dev.mailbridge.ews.ops;

import static dev.mailbridge.ews.xml.Ns.M;

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
        return Wire.messages(in, ctx, i -> new Wire.MessageBody<>() {
            Folder folder;

            @Override
            public void child(XmlIn x) {
                if (x.is(M, "Folders")) {
                    List<Folder> list = Wire.readFolders(x);
                    folder = list.isEmpty() ? null : list.get(0);
                } else {
                    x.skip();
                }
            }

            @Override
            public Folder result() {
                return folder;
            }
        });
    }
}
