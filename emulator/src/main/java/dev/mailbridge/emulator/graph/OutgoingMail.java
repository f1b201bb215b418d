package dev.mailbridge.emulator.graph;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The message of a {@code sendMail} call as MIME: from Graph's JSON message resource (subject, body,
 * recipients, importance, categories as Keywords, file attachments, internetMessageHeaders), or
 * from the base64 MIME of a {@code text/plain} request body.
 */
final class OutgoingMail {
    private static final Session SESSION = Session.getInstance(new Properties());

    private OutgoingMail() {}

    static byte[] fromJson(JsonNode message, String fromAddress, String fromName) throws GraphError {
        try {
            MimeMessage m = new MimeMessage(SESSION);
            m.setFrom(new InternetAddress(fromAddress, fromName, "UTF-8"));
            m.setSubject(message.path("subject").asText(""), "UTF-8");
            set(m, Message.RecipientType.TO, message.path("toRecipients"));
            set(m, Message.RecipientType.CC, message.path("ccRecipients"));
            set(m, Message.RecipientType.BCC, message.path("bccRecipients"));
            List<InternetAddress> replyTo = addresses(message.path("replyTo"));
            if (!replyTo.isEmpty()) {
                m.setReplyTo(replyTo.toArray(new InternetAddress[0]));
            }
            String importance = message.path("importance").asText(null);
            if (importance != null && !importance.equalsIgnoreCase("normal")) {
                m.setHeader(
                        "Importance",
                        importance.substring(0, 1).toUpperCase(Locale.ROOT)
                                + importance.substring(1).toLowerCase(Locale.ROOT));
            }
            List<String> cats = new ArrayList<>();
            message.path("categories").forEach(c -> cats.add(c.asText()));
            if (!cats.isEmpty()) {
                m.setHeader("Keywords", String.join(", ", cats));
            }
            for (JsonNode h : message.path("internetMessageHeaders")) {
                String name = h.path("name").asText("");
                if (!name.regionMatches(true, 0, "X-", 0, 2)) {
                    throw GraphError.badRequest(
                            "The internet message header name '" + name + "' should start with 'x-' or 'X-'.");
                }
                m.addHeader(name, h.path("value").asText(""));
            }
            JsonNode body = message.path("body");
            String content = body.path("content").asText("");
            boolean html = body.path("contentType").asText("text").equalsIgnoreCase("html");
            JsonNode atts = message.path("attachments");
            if (atts.isEmpty()) {
                m.setText(content, "UTF-8", html ? "html" : "plain");
            } else {
                MimeMultipart mixed = new MimeMultipart("mixed");
                MimeBodyPart text = new MimeBodyPart();
                text.setText(content, "UTF-8", html ? "html" : "plain");
                mixed.addBodyPart(text);
                for (JsonNode a : atts) {
                    mixed.addBodyPart(attachment(a));
                }
                m.setContent(mixed);
            }
            m.saveChanges();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            m.writeTo(out);
            return out.toByteArray();
        } catch (MessagingException | IOException e) {
            throw GraphError.badRequest("The message could not be built: " + e.getMessage());
        }
    }

    /** The MIME of a text/plain sendMail body: base64, as Graph requires. */
    static byte[] fromBase64(byte[] body) throws GraphError {
        String text = new String(body, java.nio.charset.StandardCharsets.US_ASCII).replaceAll("\\s+", "");
        if (text.isEmpty()) {
            throw GraphError.badRequest("Empty Payload. Base64-encoded MIME content expected.");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new GraphError(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.");
        }
    }

    private static MimeBodyPart attachment(JsonNode a) throws MessagingException, GraphError {
        String type = a.path("@odata.type").asText("#microsoft.graph.fileAttachment");
        if (!type.equalsIgnoreCase("#microsoft.graph.fileAttachment")) {
            throw GraphError.badRequest(
                    "The emulator sends file attachments only (@odata.type #microsoft.graph.fileAttachment).");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(a.path("contentBytes").asText(""));
        } catch (IllegalArgumentException e) {
            throw GraphError.badRequest(
                    "The contentBytes of attachment '" + a.path("name").asText() + "' is not base64.");
        }
        String contentType = a.path("contentType").asText("application/octet-stream");
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(bytes, contentType)));
        part.setFileName(a.path("name").asText("attachment"));
        boolean inline = a.path("isInline").asBoolean(false);
        part.setDisposition(inline ? MimeBodyPart.INLINE : MimeBodyPart.ATTACHMENT);
        if (a.hasNonNull("contentId")) {
            part.setContentID("<" + a.path("contentId").asText() + ">");
        }
        return part;
    }

    private static void set(MimeMessage m, Message.RecipientType type, JsonNode list)
            throws MessagingException, GraphError {
        List<InternetAddress> addresses = addresses(list);
        if (!addresses.isEmpty()) {
            m.setRecipients(type, addresses.toArray(new InternetAddress[0]));
        }
    }

    private static List<InternetAddress> addresses(JsonNode list) throws GraphError {
        List<InternetAddress> out = new ArrayList<>();
        for (JsonNode r : list) {
            String address = r.path("emailAddress").path("address").asText("");
            String name = r.path("emailAddress").path("name").asText(null);
            try {
                InternetAddress a = new InternetAddress(address, true);
                if (name != null) {
                    a.setPersonal(name, "UTF-8");
                }
                out.add(a);
            } catch (jakarta.mail.internet.AddressException | UnsupportedEncodingException e) {
                throw new GraphError(
                        400,
                        "ErrorInvalidRecipients",
                        "At least one recipient isn't valid., Recipient '" + address
                                + "' isn't resolved. All recipients must be resolved before a message can be submitted.");
            }
        }
        return out;
    }
}
