package dev.mailbridge.core.send;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.message.MessageJson;
import dev.mailbridge.core.receive.ReceivedMessages;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Replies to and forwards of a message received in a mailbox, by its kept ID ({@code receivedId} of the
 * {@code message.received} event). They go out from the mailbox's paired outgoing mailbox ({@link
 * SendSettings#replyFrom}) when it has one, else from the mailbox itself.
 *
 * <ul>
 *   <li>A reply goes to the original's Reply-To, else its From, unless recipients are given; it carries
 *       {@code In-Reply-To} (the original's Message-ID) and {@code References} (the original's references,
 *       then its Message-ID), and the subject (the original's unless one is given) starts with {@code Re: }
 *       once.
 *   <li>A forward attaches the original as it was received ({@code message/rfc822}, lossless: headers,
 *       bodies, attachments and signatures intact; every mail client shows it inline), with the caller's
 *       text or HTML as the cover note; the subject starts with {@code Fwd: } once.
 * </ul>
 */
public final class Answers {
    /** What to make of the original. */
    public enum Kind {
        REPLY("replyOf"),
        FORWARD("forwardOf");

        private final String field;

        Kind(String field) {
            this.field = field;
        }

        /** The request field that names the original. */
        public String field() {
            return field;
        }
    }

    private static final Pattern RE = Pattern.compile("(?i)^\\s*re\\s*:");
    private static final Pattern FWD = Pattern.compile("(?i)^\\s*(fwd?|fw)\\s*:");

    private final MailSender sender;
    private final ReceivedMessages received;
    private final SendSettings settings;

    public Answers(MailSender sender, ReceivedMessages received, SendSettings settings) {
        this.sender = sender;
        this.received = received;
        this.settings = settings;
    }

    /** The mailbox an answer to mail received in {@code mailboxId} goes out from. */
    public UUID sendingMailbox(UUID mailboxId) {
        return settings.replyFrom(mailboxId).orElse(mailboxId);
    }

    /**
     * Replies to or forwards message {@code receivedId}, received in {@code mailboxId}, with {@code draft}'s
     * recipients, subject, bodies and attachments.
     *
     * @throws ValidationException (field {@code replyOf} or {@code forwardOf}) no such message in this
     *     mailbox, or nothing to reply to; and whatever {@link MailSender#send} refuses
     */
    public SendResult send(UUID mailboxId, Kind kind, long receivedId, OutgoingMessage draft) {
        ReceivedMessages.Stored original = received.get(receivedId)
                .filter(s -> s.mailboxId().equals(mailboxId))
                .orElseThrow(
                        () -> ValidationException.of(
                                kind.field(),
                                "No message " + receivedId + " was received in this mailbox (or it is older than the 7"
                                        + " days messages are kept). Use the receivedId of one of its message.received events."));
        JsonNode json;
        try {
            json = MessageJson.mapper().readTree(original.json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String subject = draft.subject().isBlank() ? json.path("subject").asText("") : draft.subject();
        OutgoingMessage message =
                kind == Kind.REPLY ? reply(draft, json, subject) : forward(draft, receivedId, subject);
        return sender.send(sendingMailbox(mailboxId), message);
    }

    private static OutgoingMessage reply(OutgoingMessage draft, JsonNode json, String subject) {
        List<String> to = draft.to();
        if (to.isEmpty() && draft.cc().isEmpty() && draft.bcc().isEmpty()) {
            to = addresses(json.path("replyTo"));
            if (to.isEmpty() && json.path("from").isObject()) {
                to = addresses(List.of(json.path("from")));
            }
            if (to.isEmpty()) {
                throw ValidationException.of(
                        "to", "The original has neither Reply-To nor From; give the recipients in to.");
            }
        }
        List<String> references = new ArrayList<>();
        json.path("references").forEach(r -> references.add(r.asText()));
        String messageId = json.path("messageId").asText(null);
        return new OutgoingMessage(
                to,
                draft.cc(),
                draft.bcc(),
                RE.matcher(subject).find() ? subject : "Re: " + subject,
                draft.text(),
                draft.html(),
                draft.attachments(),
                draft.importance(),
                draft.replyTo(),
                draft.sendAs(),
                Optional.ofNullable(messageId),
                messageId == null ? List.of() : references,
                draft.onBehalf());
    }

    private OutgoingMessage forward(OutgoingMessage draft, long receivedId, String subject) {
        byte[] mime;
        try (InputStream in = received.mime(receivedId)
                .orElseThrow(() -> ValidationException.of(
                        "forwardOf",
                        "Message " + receivedId + " was kept without its MIME, so it cannot be forwarded."))) {
            long max = sender.options().maxAttachmentBytes();
            mime = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (mime.length > max) {
                throw new ValidationException(List.of(new FieldError(
                        "forwardOf",
                        "The original is larger than " + max + " bytes, the most a message may attach; it cannot be"
                                + " forwarded through Mailbridge.")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<OutgoingMessage.Attachment> attachments = new ArrayList<>(draft.attachments());
        attachments.add(new OutgoingMessage.Attachment(fileName(subject), "message/rfc822", mime));
        return new OutgoingMessage(
                draft.to(),
                draft.cc(),
                draft.bcc(),
                FWD.matcher(subject).find() ? subject : "Fwd: " + subject,
                draft.text(),
                draft.html(),
                attachments,
                draft.importance(),
                draft.replyTo(),
                draft.sendAs(),
                Optional.empty(),
                List.of(),
                draft.onBehalf());
    }

    /** The original's subject as a file name ({@code <subject>.eml}), as mail clients name a forwarded message. */
    static String fileName(String subject) {
        String s = FWD.matcher(subject)
                .replaceFirst("")
                .replaceAll("[\\p{Cntrl}\\\\/:*?\"<>|]", "_")
                .strip();
        if (s.length() > 100) {
            s = s.substring(0, 100).strip();
        }
        return (s.isEmpty() ? "forwarded message" : s) + ".eml";
    }

    private static List<String> addresses(Iterable<JsonNode> list) {
        List<String> out = new ArrayList<>();
        for (JsonNode a : list) {
            String address = a.path("address").asText(null);
            if (address == null) {
                continue;
            }
            String name = a.path("name").asText(null);
            try {
                out.add(name == null ? address : new InternetAddress(address, name, "UTF-8").toString());
            } catch (UnsupportedEncodingException e) {
                out.add(address);
            }
        }
        return out;
    }
}
