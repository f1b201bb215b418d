package dev.mailbridge.server.api;

import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.message.AttachmentContent;
import dev.mailbridge.core.message.MimeParser;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.receive.ReceivedMessages;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.sync.ReceiveSettings;
import dev.mailbridge.server.ReceiveScheduler;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Recent mail of a mailbox and "wait for a message", the Receive Message step of test-automation
 * tools: the first message matching a sender and subject that arrives within a timeout; one message and its
 * attachments' content.
 */
@RestController
@Tag(name = "Receive")
class MessagesApi {
    // Spring Boot 4 writes responses with Jackson 3, so the message JSON is read into a Jackson 3 tree.
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    static final Duration MAX_WAIT = Duration.ofSeconds(120);

    /** A received message: when, the rules' decision, and the message JSON (headers, bodies, attachments). */
    record MessageView(
            long id, String itemId, Instant receivedAt, boolean delivered, String decision, JsonNode message) {
        static MessageView of(ReceivedMessages.Stored s) {
            return new MessageView(
                    s.id(), s.itemId(), s.receivedAt(), s.delivered(), s.decision(), JSON.readTree(s.json()));
        }
    }

    /** What to wait for; null fields match anything. Patterns are case-insensitive regular expressions. */
    record WaitRequest(String from, String subject, Integer timeoutSeconds, Instant since) {}

    private final Stores stores;
    private final ReceivedMessages messages;
    private final ReceiveSettings settings;
    private final ReceiveScheduler scheduler;
    private final Clock clock;
    private final MimeParser parser;

    MessagesApi(
            Stores stores,
            ReceivedMessages messages,
            ReceiveSettings settings,
            ReceiveScheduler scheduler,
            Clock clock,
            MimeParser parser) {
        this.parser = parser;
        this.stores = stores;
        this.messages = messages;
        this.settings = settings;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    private Mailbox mailbox(UUID id) {
        return stores.mailboxes().get(id).orElseThrow(() -> new NotFoundException("mailbox", id));
    }

    @GetMapping(path = "/api/v1/mailboxes/{id}/messages", produces = "application/json")
    @Operation(
            summary = "Messages received since a time",
            description = "Every message the pipeline parsed (delivered or skipped by the rules), oldest first; "
                    + "kept for 7 days.")
    List<MessageView> list(
            @PathVariable UUID id,
            @RequestParam(required = false) Instant since,
            @RequestParam(defaultValue = "50") int limit) {
        mailbox(id);
        return messages.since(id, since == null ? Instant.EPOCH : since, limit).stream()
                .map(MessageView::of)
                .toList();
    }

    @PostMapping(path = "/api/v1/mailboxes/{id}/messages/wait", produces = "application/json")
    @Operation(
            summary = "Wait for a message",
            description = "Returns the first message received since `since` (default: now) whose sender and "
                    + "subject match, syncing the mailbox about every half second, for at most timeoutSeconds "
                    + "(default 30, at most 120). 404 when none arrived in time; 409 when receiving is off or the "
                    + "mailbox's sign-in does not work.")
    ResponseEntity<?> waitFor(@PathVariable UUID id, @RequestBody(required = false) WaitRequest request)
            throws InterruptedException {
        Mailbox m = mailbox(id);
        WaitRequest r = request == null ? new WaitRequest(null, null, null, null) : request;
        Pattern from = pattern("from", r.from());
        Pattern subject = pattern("subject", r.subject());
        int seconds = r.timeoutSeconds() == null ? 30 : r.timeoutSeconds();
        if (seconds < 1 || seconds > MAX_WAIT.toSeconds()) {
            throw ValidationException.of("timeoutSeconds", "Wait between 1 and " + MAX_WAIT.toSeconds() + " seconds.");
        }
        if (settings.get(id).map(s -> !s.enabled()).orElse(true) || !ReceiveScheduler.canSync(m.status())) {
            throw new ApiProblems.Conflict(
                    "Receiving is not enabled for this mailbox, or its sign-in does not work (status " + m.status()
                            + "). Enable it with PUT /api/v1/mailboxes/" + id + "/receive.",
                    List.of());
        }
        Instant since = r.since() == null ? clock.instant() : r.since();
        Instant deadline = clock.instant().plusSeconds(seconds);
        while (true) {
            var found = messages.first(id, since, from, subject);
            if (found.isPresent()) {
                return ResponseEntity.ok(MessageView.of(found.get()));
            }
            if (!clock.instant().isBefore(deadline)) {
                ProblemDetail p = ProblemDetail.forStatusAndDetail(
                        HttpStatus.NOT_FOUND,
                        "No message" + (r.from() == null ? "" : " from /" + r.from() + "/")
                                + (r.subject() == null ? "" : " with subject /" + r.subject() + "/")
                                + " arrived within " + seconds + " s.");
                p.setTitle("No matching message");
                p.setProperty(
                        "fix",
                        "Check that the message was sent to " + m.address()
                                + ", that the incoming folder mapping is right, and wait longer if mail is slow.");
                return ResponseEntity.status(HttpStatus.NOT_FOUND).body(p);
            }
            scheduler.syncNow(id);
            Thread.sleep(500);
        }
    }

    @GetMapping(path = "/api/v1/messages/{id}", produces = "application/json")
    @Operation(
            summary = "One received message",
            description = "By the ID that message.received events carry as receivedId (and the message list as id).")
    MessageView get(@PathVariable long id) {
        return MessageView.of(messages.get(id).orElseThrow(() -> new NotFoundException("received message", id)));
    }

    @GetMapping(path = "/api/v1/messages/{id}/attachments/{index}")
    @Operation(
            summary = "An attachment's content",
            description = "index is the attachment's index in the message JSON (attachments[].index). The decoded"
                    + " content with the attachment's Content-Type, always as a download (Content-Disposition:"
                    + " attachment with the file name made safe). 404 when the message is no longer kept (7 days)"
                    + " or has no such attachment.")
    ResponseEntity<?> attachment(@PathVariable long id, @PathVariable int index, HttpServletResponse response)
            throws IOException {
        ReceivedMessages.Stored stored =
                messages.get(id).orElseThrow(() -> new NotFoundException("received message", id));
        Optional<InputStream> kept = messages.mime(id);
        if (kept.isEmpty()) {
            return gone(
                    "Message " + id + " was kept without its MIME, so its attachments cannot be served.",
                    "Read the attachment from the mailbox itself (EWS item " + stored.itemId() + ").");
        }
        try (InputStream mime = kept.get()) {
            AttachmentContent a;
            try {
                a = parser.openAttachment(mime, index);
            } catch (NoSuchElementException | IllegalArgumentException e) {
                return gone(
                        "Message " + id + " has no attachment " + index + " (" + e.getMessage() + ").",
                        "Use an index from the message's attachments list: GET /api/v1/messages/" + id + ".");
            }
            try (a) {
                response.setStatus(HttpStatus.OK.value());
                response.setContentType(safeType(a.contentType()));
                response.setHeader(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename(safeName(a.filename(), index), StandardCharsets.UTF_8)
                                .build()
                                .toString());
                a.transferTo(response.getOutputStream());
            }
        }
        return null;
    }

    private static ResponseEntity<ProblemDetail> gone(String detail, String fix) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, detail);
        p.setTitle("No such attachment");
        p.setProperty("fix", fix);
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }

    /** The declared type when it is a well-formed type/subtype, else application/octet-stream. */
    static String safeType(String type) {
        if (type != null) {
            try {
                MediaType t = MediaType.parseMediaType(type);
                if (!t.isWildcardType() && !t.isWildcardSubtype()) {
                    return t.getType() + "/" + t.getSubtype();
                }
            } catch (InvalidMediaTypeException ignored) {
                // fall through to the neutral type
            }
        }
        return MediaType.APPLICATION_OCTET_STREAM_VALUE;
    }

    /** A file name without paths, control characters, quotes or characters Windows refuses; never empty. */
    static String safeName(String name, int index) {
        String n = name == null ? "" : name;
        n = n.substring(Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1);
        n = n.replaceAll("[\\p{Cntrl}\"<>:|?*]", "_").strip();
        while (n.startsWith(".")) {
            n = n.substring(1);
        }
        if (n.length() > 200) {
            n = n.substring(n.length() - 200);
        }
        return n.isBlank() ? "attachment-" + index : n;
    }

    private static Pattern pattern(String field, String regex) {
        if (regex == null || regex.isBlank()) {
            return null;
        }
        try {
            return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            throw ValidationException.of(field, "Not a valid regular expression: " + e.getDescription() + ".");
        }
    }
}
