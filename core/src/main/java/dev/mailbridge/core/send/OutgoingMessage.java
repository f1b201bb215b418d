package dev.mailbridge.core.send;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A message to send, field by field. Lists may be empty, never null; text and HTML may be absent (but not
 * both, unless there is a subject). {@code inReplyTo} (the original's Message-ID) makes it a reply: the
 * composer sets {@code In-Reply-To}, {@code References} (the original's references, then its Message-ID) and
 * prefixes the subject with {@code Re: }.
 *
 * @param sendAs another mailbox's address for the {@code From} header (send as); Exchange refuses the send
 *     ({@code ErrorSendAsDenied}) unless the mailbox has Send As permission on it. Empty: Exchange sets the
 *     mailbox's own address.
 * @param onBehalf with {@code sendAs}: send on behalf of it, as EWS does (From: {@code sendAs}, Sender: the
 *     sending mailbox; recipients see "mailbox on behalf of sendAs"); needs Send on Behalf permission
 */
public record OutgoingMessage(
        List<String> to,
        List<String> cc,
        List<String> bcc,
        String subject,
        Optional<String> text,
        Optional<String> html,
        List<Attachment> attachments,
        Importance importance,
        List<String> replyTo,
        Optional<String> sendAs,
        Optional<String> inReplyTo,
        List<String> references,
        boolean onBehalf) {

    /** Outlook's three levels; sent as the {@code Importance} header. */
    public enum Importance {
        LOW,
        NORMAL,
        HIGH
    }

    /** A file to attach: its name, MIME type and content. */
    public record Attachment(String name, String contentType, byte[] content) {
        public Attachment {
            Objects.requireNonNull(content, "content");
        }
    }

    public OutgoingMessage {
        to = List.copyOf(to == null ? List.of() : to);
        cc = List.copyOf(cc == null ? List.of() : cc);
        bcc = List.copyOf(bcc == null ? List.of() : bcc);
        subject = subject == null ? "" : subject;
        text = text == null ? Optional.empty() : text.filter(s -> !s.isEmpty());
        html = html == null ? Optional.empty() : html.filter(s -> !s.isEmpty());
        attachments = List.copyOf(attachments == null ? List.of() : attachments);
        importance = importance == null ? Importance.NORMAL : importance;
        replyTo = List.copyOf(replyTo == null ? List.of() : replyTo);
        sendAs = sendAs == null ? Optional.empty() : sendAs.filter(s -> !s.isBlank());
        inReplyTo = inReplyTo == null ? Optional.empty() : inReplyTo.filter(s -> !s.isBlank());
        references = List.copyOf(references == null ? List.of() : references);
    }

    /** A plain-text message to the given recipients. */
    public static OutgoingMessage text(String subject, String text, String... to) {
        return builder().to(to).subject(subject).text(text).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This message as a reply to the message with {@code messageId} (and its {@code References}). */
    public OutgoingMessage replyingTo(String messageId, List<String> originalReferences) {
        return new OutgoingMessage(
                to,
                cc,
                bcc,
                subject,
                text,
                html,
                attachments,
                importance,
                replyTo,
                sendAs,
                Optional.ofNullable(messageId),
                originalReferences,
                onBehalf);
    }

    /** Builds an {@link OutgoingMessage}. */
    public static final class Builder {
        private List<String> to = List.of();
        private List<String> cc = List.of();
        private List<String> bcc = List.of();
        private String subject = "";
        private String text;
        private String html;
        private List<Attachment> attachments = List.of();
        private Importance importance = Importance.NORMAL;
        private List<String> replyTo = List.of();
        private String sendAs;
        private String inReplyTo;
        private List<String> references = List.of();
        private boolean onBehalf;

        public Builder to(String... a) {
            to = List.of(a);
            return this;
        }

        public Builder cc(String... a) {
            cc = List.of(a);
            return this;
        }

        public Builder bcc(String... a) {
            bcc = List.of(a);
            return this;
        }

        public Builder subject(String s) {
            subject = s;
            return this;
        }

        public Builder text(String s) {
            text = s;
            return this;
        }

        public Builder html(String s) {
            html = s;
            return this;
        }

        public Builder attach(String name, String contentType, byte[] content) {
            List<Attachment> l = new java.util.ArrayList<>(attachments);
            l.add(new Attachment(name, contentType, content));
            attachments = l;
            return this;
        }

        public Builder importance(Importance i) {
            importance = i;
            return this;
        }

        public Builder replyTo(String... a) {
            replyTo = List.of(a);
            return this;
        }

        public Builder sendAs(String address) {
            sendAs = address;
            return this;
        }

        /** Sends on behalf of {@code address}: From {@code address}, Sender the sending mailbox. */
        public Builder onBehalfOf(String address) {
            sendAs = address;
            onBehalf = true;
            return this;
        }

        public Builder inReplyTo(String messageId, String... originalReferences) {
            inReplyTo = messageId;
            references = List.of(originalReferences);
            return this;
        }

        public OutgoingMessage build() {
            return new OutgoingMessage(
                    to,
                    cc,
                    bcc,
                    subject,
                    Optional.ofNullable(text),
                    Optional.ofNullable(html),
                    attachments,
                    importance,
                    replyTo,
                    Optional.ofNullable(sendAs),
                    Optional.ofNullable(inReplyTo),
                    references,
                    onBehalf);
        }
    }
}
