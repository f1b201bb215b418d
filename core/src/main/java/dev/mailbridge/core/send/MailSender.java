package dev.mailbridge.core.send;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.deliver.EventType;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.deliver.OutboxEvent;
import dev.mailbridge.core.message.ReceivedMessage;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.ews.ops.CreateItem;
import jakarta.activation.DataHandler;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends mail from a mailbox over EWS: a structured {@link OutgoingMessage} composed as RFC 5322 MIME, or
 * the caller's raw MIME, with CreateItem SendAndSaveCopy (Exchange keeps a copy in Sent Items).
 *
 * <p>Every message carries {@code X-Mailbridge-Sent: <send id>} ({@link ReceivedMessage#SENT_MARKER_HEADER})
 * so loop protection knows it when it comes back. Input is checked before anything is sent (one {@link
 * FieldError} per problem, {@link ValidationException}); a mailbox that reached its rate limit is refused with
 * {@link RateLimitedException}; Exchange's refusals surface as the EWS client's exceptions. After Exchange
 * accepted a message a {@code message.sent} event is queued for every delivery target that takes it (after,
 * not with, the send: a crash between the two loses the event, never sends twice).
 */
public final class MailSender {
    private static final Logger log = LoggerFactory.getLogger(MailSender.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Graph's limit for one request: sendMail with MIME carries the message base64-encoded in the body. */
    private static final long GRAPH_MAX_REQUEST = 4L * 1024 * 1024;

    /**
     * Limits.
     *
     * @param perWindow sends allowed per mailbox within {@code window} (Exchange Online: 30 a minute)
     * @param maxAttachmentBytes total size of a structured message's attachments (before base64)
     * @param maxMimeBytes size of a raw MIME message (Exchange Online's default maximum message size is 35 MB)
     * @param recipientsPerDay recipients (To, Cc and Bcc) per mailbox in 24 hours (Exchange Online: 10,000;
     *     going over it gets the mailbox blocked from sending for a day)
     */
    public record Options(
            int perWindow, Duration window, long maxAttachmentBytes, long maxMimeBytes, int recipientsPerDay) {
        public static final Options DEFAULT =
                new Options(30, Duration.ofMinutes(1), 25L * 1024 * 1024, 35L * 1024 * 1024, 10_000);

        public Options withPerWindow(int n) {
            return new Options(n, window, maxAttachmentBytes, maxMimeBytes, recipientsPerDay);
        }

        public Options withMaxAttachmentBytes(long n) {
            return new Options(perWindow, window, n, maxMimeBytes, recipientsPerDay);
        }

        public Options withRecipientsPerDay(int n) {
            return new Options(perWindow, window, maxAttachmentBytes, maxMimeBytes, n);
        }
    }

    private final MailboxServices services;
    private final Outbox outbox;
    private final Clock clock;
    private final Options options;
    private final SendRateLimiter limiter;
    private final SendRateLimiter recipients;
    private final Session session = Session.getInstance(new Properties());

    public MailSender(MailboxServices services, Outbox outbox, Clock clock) {
        this(services, outbox, clock, Options.DEFAULT);
    }

    public MailSender(MailboxServices services, Outbox outbox, Clock clock, Options options) {
        this.services = services;
        this.outbox = outbox;
        this.clock = clock;
        this.options = options;
        this.limiter = new SendRateLimiter(options.perWindow(), options.window(), clock);
        this.recipients = new SendRateLimiter(options.recipientsPerDay(), Duration.ofDays(1), clock, "recipients");
    }

    public Options options() {
        return options;
    }

    /** Composes and sends {@code message} from the mailbox. */
    public SendResult send(UUID mailboxId, OutgoingMessage message) {
        Mailbox mailbox = mailbox(mailboxId);
        validate(message);
        String sendId = UUID.randomUUID().toString();
        String messageId = "<mb." + sendId + "@" + domain(mailbox.address()) + ">";
        byte[] mime = compose(message, sendId, messageId, mailbox.address());
        int count = message.to().size() + message.cc().size() + message.bcc().size();
        return deliver(mailbox, sendId, messageId, mime, summary(message), count);
    }

    /**
     * Sends the caller's RFC 5322 message as it is, with the marker header added (and a Message-ID if it has
     * none). At most {@link Options#maxMimeBytes}; it needs at least one recipient in To, Cc or Bcc.
     */
    public SendResult sendMime(UUID mailboxId, InputStream rfc5322) {
        Mailbox mailbox = mailbox(mailboxId);
        byte[] raw = readBounded(rfc5322);
        String sendId = UUID.randomUUID().toString();
        MimeMessage m;
        try {
            m = new MimeMessage(session, new ByteArrayInputStream(raw));
        } catch (MessagingException e) {
            throw ValidationException.of("mime", "This is not an RFC 5322 message: " + e.getMessage());
        }
        List<FieldError> errors = new ArrayList<>();
        Address[] recipients;
        try {
            recipients = m.getAllRecipients();
        } catch (AddressException e) {
            errors.add(new FieldError("mime", "A To, Cc or Bcc header holds an invalid address: " + e.getMessage()));
            recipients = null;
        } catch (MessagingException e) {
            recipients = null;
        }
        if (errors.isEmpty() && (recipients == null || recipients.length == 0)) {
            errors.add(new FieldError("mime", "The message has no recipient: add a To, Cc or Bcc header."));
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        try {
            String messageId = m.getMessageID();
            if (messageId == null) {
                messageId = "<mb." + sendId + "@" + domain(mailbox.address()) + ">";
                m.setHeader("Message-ID", messageId);
            }
            m.setHeader(ReceivedMessage.SENT_MARKER_HEADER, sendId);
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 128);
            m.writeTo(out);
            ObjectNode summary = JSON.createObjectNode();
            summary.put("subject", Optional.ofNullable(m.getSubject()).orElse(""));
            summary.set("to", addresses(m.getRecipients(Message.RecipientType.TO)));
            summary.set("cc", addresses(m.getRecipients(Message.RecipientType.CC)));
            summary.put("raw", true);
            return deliver(mailbox, sendId, messageId, out.toByteArray(), summary, recipients.length);
        } catch (MessagingException e) {
            throw ValidationException.of("mime", "The message could not be read: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SendResult deliver(
            Mailbox mailbox, String sendId, String messageId, byte[] mime, ObjectNode summary, int recipientCount) {
        if (recipientCount > options.recipientsPerDay()) {
            throw ValidationException.of(
                    "to",
                    "The message has " + recipientCount + " recipients, more than the mailbox may send to in a day ("
                            + options.recipientsPerDay() + "): split it, or use a distribution group.");
        }
        boolean graph = services.access().transport(mailbox.id()) == Transport.GRAPH;
        if (graph && (mime.length + 2L) / 3 * 4 > GRAPH_MAX_REQUEST) {
            throw ValidationException.of(
                    "mime",
                    "Microsoft Graph takes at most 4 MB per sendMail request, and this message is "
                            + (mime.length / 1024) + " KB before base64 (about 3 MB is the most that fits): "
                            + "make its attachments smaller or send it as a link.");
        }
        Instant slot = limiter.acquire(mailbox.id());
        Instant recipientSlot;
        try {
            recipientSlot = recipients.acquire(mailbox.id(), recipientCount);
        } catch (RuntimeException e) {
            limiter.release(mailbox.id(), slot);
            throw e;
        }
        try {
            if (graph) {
                services.access().graph(mailbox.id()).sendMime(() -> new ByteArrayInputStream(mime));
            } else {
                services.access()
                        .ews(mailbox.id())
                        .execute(CreateItem.sendMime(() -> new ByteArrayInputStream(mime)))
                        .single();
            }
        } catch (RuntimeException e) {
            limiter.release(mailbox.id(), slot);
            recipients.release(mailbox.id(), recipientSlot);
            throw e;
        }
        Instant sentAt = clock.instant();
        String key = OutboxEvent.keyOf(
                EventType.MESSAGE_SENT.wireName(), mailbox.id().toString(), sendId);
        summary.put("sendId", sendId);
        summary.put("messageId", messageId);
        summary.put("from", mailbox.address());
        summary.put("sentAt", sentAt.toString());
        try {
            outbox.enqueueToAll(
                    OutboxEvent.of(EventType.MESSAGE_SENT, key, mailbox.id(), JSON.writeValueAsString(summary)));
        } catch (Exception e) {
            // The message went out; only its event is lost. Never make the caller send it again.
            log.error("Message {} was sent but its message.sent event could not be queued", sendId, e);
        }
        return new SendResult(sendId, mailbox.id(), messageId, sentAt, key);
    }

    private Mailbox mailbox(UUID id) {
        return services.stores().mailboxes().get(id).orElseThrow(() -> new NotFoundException("mailbox", id));
    }

    // ----- validation -----

    private void validate(OutgoingMessage m) {
        List<FieldError> errors = new ArrayList<>();
        if (m.to().isEmpty() && m.cc().isEmpty() && m.bcc().isEmpty()) {
            errors.add(new FieldError("to", "Add at least one recipient in to, cc or bcc."));
        }
        checkAddresses("to", m.to(), errors);
        checkAddresses("cc", m.cc(), errors);
        checkAddresses("bcc", m.bcc(), errors);
        checkAddresses("replyTo", m.replyTo(), errors);
        m.sendAs().ifPresent(a -> checkAddresses("sendAs", List.of(a), errors));
        if (m.onBehalf() && m.sendAs().isEmpty()) {
            errors.add(new FieldError("onBehalf", "Give the address to send on behalf of in from (or sendAs)."));
        }
        if (m.subject().isBlank() && m.text().isEmpty() && m.html().isEmpty()) {
            errors.add(new FieldError("subject", "Enter a subject or a body (text or html)."));
        }
        if (m.subject().indexOf('\r') >= 0 || m.subject().indexOf('\n') >= 0) {
            errors.add(new FieldError("subject", "The subject must be one line."));
        }
        long total = 0;
        for (int i = 0; i < m.attachments().size(); i++) {
            OutgoingMessage.Attachment a = m.attachments().get(i);
            total += a.content().length;
            if (a.name() == null || a.name().isBlank()) {
                errors.add(new FieldError("attachments[" + i + "].name", "Enter the attachment's file name."));
            } else if (a.name().chars().anyMatch(c -> c < 0x20 || c == '/' || c == '\\')) {
                errors.add(new FieldError(
                        "attachments[" + i + "].name", "A file name without control characters or slashes."));
            }
            if (a.contentType() != null && !a.contentType().isBlank()) {
                try {
                    new jakarta.mail.internet.ContentType(a.contentType());
                } catch (jakarta.mail.internet.ParseException e) {
                    errors.add(new FieldError(
                            "attachments[" + i + "].contentType", "Not a MIME type; use for example application/pdf."));
                }
            }
        }
        if (total > options.maxAttachmentBytes()) {
            errors.add(new FieldError(
                    "attachments",
                    "The attachments come to " + total + " bytes; at most " + options.maxAttachmentBytes()
                            + " bytes in total are allowed."));
        }
        m.inReplyTo().ifPresent(id -> {
            if (!id.contains("@") || id.chars().anyMatch(c -> c <= 0x20)) {
                errors.add(new FieldError("inReplyTo", "Give the original's Message-ID, like <abc@example.com>."));
            }
        });
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
    }

    private static void checkAddresses(String field, List<String> list, List<FieldError> errors) {
        for (int i = 0; i < list.size(); i++) {
            String a = list.get(i);
            String f = field + "[" + i + "]";
            if (field.equals("sendAs")) {
                f = field;
            }
            try {
                InternetAddress parsed = new InternetAddress(a == null ? "" : a, true);
                parsed.validate();
                String addr = parsed.getAddress();
                int at = addr.indexOf('@');
                if (at < 1 || at == addr.length() - 1) {
                    throw new AddressException("missing domain");
                }
            } catch (AddressException e) {
                errors.add(new FieldError(f, "\"" + a + "\" is not an email address (name@example.com)."));
            }
        }
    }

    // ----- composition -----

    byte[] compose(OutgoingMessage m, String sendId, String messageId, String mailboxAddress) {
        try {
            MimeMessage msg = new MimeMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", messageId);
                }
            };
            if (m.sendAs().isPresent()) {
                msg.setFrom(new InternetAddress(m.sendAs().get(), true));
                if (m.onBehalf()) {
                    msg.setSender(new InternetAddress(mailboxAddress, true));
                }
            }
            msg.setRecipients(Message.RecipientType.TO, parse(m.to()));
            msg.setRecipients(Message.RecipientType.CC, parse(m.cc()));
            msg.setRecipients(Message.RecipientType.BCC, parse(m.bcc()));
            if (!m.replyTo().isEmpty()) {
                msg.setReplyTo(parse(m.replyTo()));
            }
            String subject = m.subject();
            if (m.inReplyTo().isPresent()) {
                String original = bracket(m.inReplyTo().get());
                msg.setHeader("In-Reply-To", original);
                List<String> refs = new ArrayList<>();
                for (String r : m.references()) {
                    for (String part : r.trim().split("\\s+")) {
                        if (!part.isEmpty() && !refs.contains(bracket(part))) {
                            refs.add(bracket(part));
                        }
                    }
                }
                refs.remove(original);
                refs.add(original);
                msg.setHeader("References", String.join(" ", refs));
                if (!subject.regionMatches(true, 0, "Re:", 0, 3)) {
                    subject = "Re: " + subject;
                }
            }
            msg.setSubject(subject, "UTF-8");
            msg.setSentDate(Date.from(clock.instant()));
            if (m.importance() != OutgoingMessage.Importance.NORMAL) {
                msg.setHeader("Importance", m.importance() == OutgoingMessage.Importance.HIGH ? "High" : "Low");
                msg.setHeader("X-Priority", m.importance() == OutgoingMessage.Importance.HIGH ? "1" : "5");
            }
            msg.setHeader(ReceivedMessage.SENT_MARKER_HEADER, sendId);

            if (m.attachments().isEmpty()) {
                body(m, msg);
            } else {
                MimeMultipart mixed = new MimeMultipart("mixed");
                MimeBodyPart body = new MimeBodyPart();
                body(m, body);
                mixed.addBodyPart(body);
                for (OutgoingMessage.Attachment a : m.attachments()) {
                    MimeBodyPart part = new MimeBodyPart();
                    String type = a.contentType() == null || a.contentType().isBlank()
                            ? "application/octet-stream"
                            : a.contentType();
                    part.setDataHandler(new DataHandler(new ByteArrayDataSource(a.content(), type)));
                    part.setFileName(a.name());
                    part.setDisposition(MimeBodyPart.ATTACHMENT);
                    // RFC 2046 5.2.1: a message/rfc822 part is never base64 (a forwarded message); 8bit if it has
                    // non-ASCII bytes
                    part.setHeader(
                            "Content-Transfer-Encoding",
                            type.regionMatches(true, 0, "message/rfc822", 0, 14)
                                    ? (ascii(a.content()) ? "7bit" : "8bit")
                                    : "base64");
                    mixed.addBodyPart(part);
                }
                msg.setContent(mixed);
            }
            msg.saveChanges();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            msg.writeTo(out);
            return out.toByteArray();
        } catch (MessagingException e) {
            throw new IllegalStateException("could not compose the message", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void body(OutgoingMessage m, MimePart part) throws MessagingException {
        if (m.text().isPresent() && m.html().isPresent()) {
            MimeMultipart alt = new MimeMultipart("alternative");
            MimeBodyPart t = new MimeBodyPart();
            t.setText(m.text().get(), "UTF-8");
            MimeBodyPart h = new MimeBodyPart();
            h.setText(m.html().get(), "UTF-8", "html");
            alt.addBodyPart(t);
            alt.addBodyPart(h);
            part.setContent(alt);
        } else if (m.html().isPresent()) {
            part.setText(m.html().get(), "UTF-8", "html");
        } else {
            part.setText(m.text().orElse(""), "UTF-8");
        }
    }

    private static boolean ascii(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                return false;
            }
        }
        return true;
    }

    private static InternetAddress[] parse(List<String> list) throws AddressException {
        InternetAddress[] out = new InternetAddress[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new InternetAddress(list.get(i), true);
        }
        return out;
    }

    private static String bracket(String id) {
        String t = id.trim();
        return t.startsWith("<") ? t : "<" + t + ">";
    }

    private static String domain(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "mailbridge.invalid" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    // ----- helpers -----

    private byte[] readBounded(InputStream in) {
        try (in) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, options.maxMimeBytes() + 1));
            if (b.length > options.maxMimeBytes()) {
                throw ValidationException.of(
                        "mime", "The message is larger than " + options.maxMimeBytes() + " bytes, the limit.");
            }
            if (b.length == 0) {
                throw ValidationException.of("mime", "Send the RFC 5322 message as the body.");
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ArrayNode addresses(Address[] list) {
        ArrayNode a = JSON.createArrayNode();
        if (list != null) {
            for (Address x : list) {
                a.add(x instanceof InternetAddress ia ? ia.getAddress() : x.toString());
            }
        }
        return a;
    }

    private static ObjectNode summary(OutgoingMessage m) {
        ObjectNode n = JSON.createObjectNode();
        n.put(
                "subject",
                m.inReplyTo().isPresent() && !m.subject().regionMatches(true, 0, "Re:", 0, 3)
                        ? "Re: " + m.subject()
                        : m.subject());
        ArrayNode to = n.putArray("to");
        m.to().forEach(to::add);
        ArrayNode cc = n.putArray("cc");
        m.cc().forEach(cc::add);
        n.put("bccCount", m.bcc().size());
        m.inReplyTo().ifPresent(id -> n.put("inReplyTo", bracket(id)));
        m.sendAs().ifPresent(a -> n.put(m.onBehalf() ? "onBehalfOf" : "sendAs", a));
        n.put("importance", m.importance().name().toLowerCase(Locale.ROOT));
        ArrayNode atts = n.putArray("attachments");
        for (OutgoingMessage.Attachment a : m.attachments()) {
            ObjectNode o = atts.addObject();
            o.put("name", a.name());
            o.put("contentType", a.contentType());
            o.put("size", a.content().length);
        }
        n.put("raw", false);
        return n;
    }
}
