package dev.mailbridge.server.api;

import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.send.Answers;
import dev.mailbridge.core.send.MailSender;
import dev.mailbridge.core.send.OutgoingMessage;
import dev.mailbridge.core.send.RateLimitedException;
import dev.mailbridge.core.send.SendResult;
import dev.mailbridge.core.send.SendSettings;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Sending mail from a mailbox: structured JSON or raw MIME, sent with SendAndSaveCopy (a copy in Sent
 * Items), marked {@code X-Mailbridge-Sent}, rate-limited per mailbox (429 with {@code Retry-After}).
 */
@RestController
@Tag(name = ApiDocs.MAILBOXES)
class SendApi {
    /** A message to send. Addresses as {@code name@example.com} or {@code "Name" <name@example.com>}. */
    record SendRequest(
            List<String> to,
            List<String> cc,
            List<String> bcc,
            String subject,
            String text,
            String html,
            List<AttachmentRequest> attachments,
            String importance,
            List<String> replyTo,
            String sendAs,
            String inReplyTo,
            List<String> references,
            String from,
            Boolean onBehalf,
            Long replyOf,
            Long forwardOf) {}

    /** A file to attach; {@code content} base64 (standard alphabet). */
    record AttachmentRequest(String name, String contentType, String content) {}

    /** A message Exchange accepted. {@code sendId} is also its {@code X-Mailbridge-Sent} header. */
    record SendView(String sendId, UUID mailboxId, String messageId, Instant sentAt) {
        static SendView of(SendResult r) {
            return new SendView(r.sendId(), r.mailboxId(), r.messageId(), r.sentAt());
        }
    }

    /** Which mailbox replies to mail received here go out from; null: this mailbox. */
    record SendSettingsBody(UUID replyFrom) {}

    private final MailSender sender;
    private final Answers answers;
    private final SendSettings settings;
    private final Stores stores;

    SendApi(MailSender sender, Answers answers, SendSettings settings, Stores stores) {
        this.sender = sender;
        this.answers = answers;
        this.settings = settings;
        this.stores = stores;
    }

    @GetMapping(path = "/api/v1/mailboxes/{id}/send-settings", produces = "application/json")
    @Operation(summary = "The mailbox replies to its received mail go out from (replyFrom; null: itself)")
    SendSettingsBody sendSettings(@PathVariable UUID id) {
        stores.mailboxes().get(id).orElseThrow(() -> new NotFoundException("mailbox", id));
        return new SendSettingsBody(settings.replyFrom(id).orElse(null));
    }

    @PutMapping(
            path = "/api/v1/mailboxes/{id}/send-settings",
            consumes = "application/json",
            produces = "application/json")
    @Operation(
            summary = "Pair the mailbox with an outgoing mailbox",
            description = "Replies to and forwards of mail received in this mailbox (replyOf, forwardOf) go out from"
                    + " replyFrom: another mailbox of the same organisation whose sign-in works (400 otherwise)."
                    + " null: from this mailbox.")
    SendSettingsBody putSendSettings(@PathVariable UUID id, @RequestBody SendSettingsBody body) {
        Mailbox m = stores.mailboxes().get(id).orElseThrow(() -> new NotFoundException("mailbox", id));
        Optional<UUID> replyFrom = Optional.ofNullable(body == null ? null : body.replyFrom());
        settings.setReplyFrom(id, replyFrom);
        stores.audit()
                .record(
                        Actor.current(),
                        "mailbox.send-settings",
                        "mailbox/" + id,
                        m.address() + ": replyFrom="
                                + replyFrom.map(UUID::toString).orElse("itself"));
        return sendSettings(id);
    }

    @PostMapping(path = "/api/v1/mailboxes/{id}/send", consumes = "application/json", produces = "application/json")
    @Operation(
            summary = "Send a message from the mailbox",
            description = "Composes an RFC 5322 message (text and/or HTML, attachments as base64) and sends it with"
                    + " a copy in Sent Items. inReplyTo (and references) make it a reply. replyOf or forwardOf (the"
                    + " receivedId of a message received in this mailbox) reply to it (to defaults to its Reply-To"
                    + " or From; In-Reply-To, References and Re: are set) or forward it (attached as"
                    + " message/rfc822; Fwd:); both go out from the mailbox's replyFrom mailbox when it has one."
                    + " from (or sendAs) sends as another mailbox; with onBehalf true, on behalf of it (From that"
                    + " mailbox, Sender this one); 403 when Exchange denies it. 429 with Retry-After when the"
                    + " mailbox reached its rate limit.")
    SendView send(@PathVariable UUID id, @RequestBody SendRequest request) {
        OutgoingMessage message = toMessage(request);
        if (request.replyOf() != null && request.forwardOf() != null) {
            throw ValidationException.of("forwardOf", "Give replyOf or forwardOf, not both.");
        }
        if (request.replyOf() != null || request.forwardOf() != null) {
            if (request.inReplyTo() != null && !request.inReplyTo().isBlank()) {
                throw ValidationException.of(
                        "inReplyTo", "Leave inReplyTo out with replyOf or forwardOf: they take it from the original.");
            }
            Answers.Kind kind = request.replyOf() != null ? Answers.Kind.REPLY : Answers.Kind.FORWARD;
            long original = request.replyOf() != null ? request.replyOf() : request.forwardOf();
            return SendView.of(answers.send(id, kind, original, message));
        }
        return SendView.of(sender.send(id, message));
    }

    @PostMapping(path = "/api/v1/mailboxes/{id}/send-mime", consumes = "message/rfc822", produces = "application/json")
    @Operation(
            summary = "Send a raw RFC 5322 message from the mailbox",
            description = "The body is the message (Content-Type: message/rfc822), sent as it is with the"
                    + " X-Mailbridge-Sent header added and a copy in Sent Items.")
    SendView sendMime(@PathVariable UUID id, HttpServletRequest request) throws IOException {
        return SendView.of(sender.sendMime(id, request.getInputStream()));
    }

    @ExceptionHandler(RateLimitedException.class)
    ResponseEntity<ProblemDetail> rateLimited(RateLimitedException e) {
        ProblemDetail p = ApiProblems.problem(HttpStatus.TOO_MANY_REQUESTS, "Rate limit reached", e.getMessage());
        p.setType(URI.create("https://mailbridge.dev/problems/rate-limit"));
        p.setProperty("retryAt", e.retryAt().toString());
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }

    static OutgoingMessage toMessage(SendRequest r) {
        if (r == null) {
            throw ValidationException.of("body", "Send a JSON object with to, subject, text or html.");
        }
        List<FieldError> errors = new ArrayList<>();
        OutgoingMessage.Importance importance = OutgoingMessage.Importance.NORMAL;
        if (r.importance() != null && !r.importance().isBlank()) {
            try {
                importance =
                        OutgoingMessage.Importance.valueOf(r.importance().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("importance", "Use low, normal or high."));
            }
        }
        List<OutgoingMessage.Attachment> attachments = new ArrayList<>();
        List<AttachmentRequest> given = r.attachments() == null ? List.of() : r.attachments();
        for (int i = 0; i < given.size(); i++) {
            AttachmentRequest a = given.get(i);
            if (a == null || a.content() == null) {
                errors.add(new FieldError("attachments[" + i + "].content", "Give the file's content as base64."));
                continue;
            }
            try {
                attachments.add(new OutgoingMessage.Attachment(
                        a.name(),
                        a.contentType(),
                        Base64.getDecoder().decode(a.content().replaceAll("\\s", ""))));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("attachments[" + i + "].content", "This is not valid base64."));
            }
        }
        String from = r.from() == null || r.from().isBlank() ? r.sendAs() : r.from();
        if (r.from() != null
                && r.sendAs() != null
                && !r.from().isBlank()
                && !r.sendAs().isBlank()) {
            errors.add(new FieldError("sendAs", "Give from or sendAs (the same thing), not both."));
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        return new OutgoingMessage(
                r.to(),
                r.cc(),
                r.bcc(),
                r.subject(),
                Optional.ofNullable(r.text()),
                Optional.ofNullable(r.html()),
                attachments,
                importance,
                r.replyTo(),
                Optional.ofNullable(from),
                Optional.ofNullable(r.inReplyTo()),
                r.references(),
                Boolean.TRUE.equals(r.onBehalf()));
    }
}
