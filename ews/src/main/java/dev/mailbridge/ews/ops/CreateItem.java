package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.Responses;
import dev.mailbridge.ews.model.DistinguishedFolder;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * CreateItem for a message: save a draft / import ({@code SAVE_ONLY}, returns the new ID), send without
 * a copy ({@code SEND_ONLY}) or send and keep a copy in Sent Items ({@code SEND_AND_SAVE_COPY}); the
 * sending dispositions return no ID. The message is either composed ({@link NewMessage}) or a ready
 * RFC 5322 message streamed from {@link MimeSource} as base64.
 */
public record CreateItem(Disposition disposition, FolderRef savedItemFolder, NewMessage message, MimeSource mime)
        implements EwsOperation<Responses<ItemId>> {

    public enum Disposition {
        SAVE_ONLY("SaveOnly"),
        SEND_ONLY("SendOnly"),
        SEND_AND_SAVE_COPY("SendAndSaveCopy");

        private final String wireName;

        Disposition(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** Opens the raw MIME (RFC 5322) message; may be called again on a retry. */
    @FunctionalInterface
    public interface MimeSource {
        InputStream open() throws IOException;
    }

    /** A message composed field by field. {@code bodyType} is Text or HTML. */
    public record NewMessage(
            String subject, String bodyType, String body, List<String> to, List<String> cc, Boolean isRead) {
        public NewMessage {
            to = List.copyOf(to);
            cc = List.copyOf(cc);
        }

        public static NewMessage text(String subject, String body, String... to) {
            return new NewMessage(subject, "Text", body, List.of(to), List.of(), null);
        }
    }

    public CreateItem {
        Objects.requireNonNull(disposition, "disposition");
        if ((message == null) == (mime == null)) {
            throw new IllegalArgumentException("Give either a composed message or raw MIME");
        }
        if (savedItemFolder == null && disposition == Disposition.SEND_AND_SAVE_COPY) {
            savedItemFolder = DistinguishedFolder.SENTITEMS.ref();
        }
        if (savedItemFolder == null && disposition == Disposition.SAVE_ONLY) {
            savedItemFolder = DistinguishedFolder.DRAFTS.ref();
        }
    }

    public static CreateItem send(NewMessage message) {
        return new CreateItem(Disposition.SEND_AND_SAVE_COPY, null, message, null);
    }

    public static CreateItem sendMime(MimeSource mime) {
        return new CreateItem(Disposition.SEND_AND_SAVE_COPY, null, null, mime);
    }

    /** Imports a raw MIME message into a folder (e.g. inbox) without sending it. */
    public static CreateItem importMime(FolderRef folder, MimeSource mime) {
        return new CreateItem(Disposition.SAVE_ONLY, folder, null, mime);
    }

    public static CreateItem draft(NewMessage message) {
        return new CreateItem(Disposition.SAVE_ONLY, null, message, null);
    }

    @Override
    public String name() {
        return "CreateItem";
    }

    @Override
    public boolean idempotent() {
        return false;
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("CreateItem").attr("MessageDisposition", disposition.wireName());
        if (savedItemFolder != null && disposition != Disposition.SEND_ONLY) {
            out.m("SavedItemFolderId");
            Wire.folderRef(out, savedItemFolder);
            out.end();
        }
        out.m("Items").t("Message");
        if (mime != null) {
            out.t("MimeContent").attr("CharacterSet", "UTF-8");
            try (InputStream in = mime.open()) {
                out.base64(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read the MIME message to send", e);
            }
            out.end();
        } else {
            out.tText("ItemClass", "IPM.Note");
            if (message.subject() != null) {
                out.tText("Subject", message.subject());
            }
            if (message.body() != null) {
                out.t("Body")
                        .attr("BodyType", message.bodyType() == null ? "Text" : message.bodyType())
                        .text(message.body())
                        .end();
            }
            recipients(out, "ToRecipients", message.to());
            recipients(out, "CcRecipients", message.cc());
            if (message.isRead() != null) {
                out.tText("IsRead", message.isRead().toString());
            }
        }
        out.end().end().end();
    }

    private static void recipients(XmlOut out, String element, List<String> addresses) {
        if (addresses.isEmpty()) {
            return;
        }
        out.t(element);
        for (String a : addresses) {
            out.t("Mailbox").tText("EmailAddress", a).end();
        }
        out.end();
    }

    @Override
    public Responses<ItemId> readResponse(XmlIn in, ResponseContext ctx) {
        return Wire.itemIdPerMessage(in, ctx);
    }
}
