package dev.mailbridge.ews.ops;

import static dev.mailbridge.ews.xml.Ns.M;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.Responses;
import dev.mailbridge.ews.model.Attachment;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.List;
import java.util.Objects;

/** GetAttachment: file attachments' content, base64-decoded straight into the sink. */
public record GetAttachment(List<String> attachmentIds, Wire.AttachmentSink sink)
        implements EwsOperation<Responses<Attachment>> {
    public GetAttachment {
        attachmentIds = List.copyOf(attachmentIds);
        Wire.requireNonEmpty(attachmentIds, "attachmentIds");
        Objects.requireNonNull(sink, "sink");
    }

    @Override
    public String name() {
        return "GetAttachment";
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("GetAttachment").m("AttachmentIds");
        attachmentIds.forEach(id -> out.t("AttachmentId").attr("Id", id).end());
        out.end().end();
    }

    @Override
    public Responses<Attachment> readResponse(XmlIn in, ResponseContext ctx) {
        return Wire.messages(in, ctx, i -> new Wire.MessageBody<>() {
            Attachment attachment;

            @Override
            public void child(XmlIn x) {
                if (x.is(M, "Attachments")) {
                    List<Attachment> list = Wire.readAttachments(x, sink);
                    attachment = list.isEmpty() ? null : list.get(0);
                } else {
                    x.skip();
                }
            }

            @Override
            public Attachment result() {
                return attachment;
            }
        });
    }
}
