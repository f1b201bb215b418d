package dev.mailbridge.server.api;

import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.message.MessageParseException;
import dev.mailbridge.core.message.MimeParser;
import dev.mailbridge.core.message.ReceivedMessage;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.rules.Decision;
import dev.mailbridge.core.rules.RuleDraft;
import dev.mailbridge.core.rules.RuleSet;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A mailbox's rules: which received messages are delivered, with which label. Replaced as a whole; a
 * change applies from the next received message on. Invalid rules give 400 with one error per field
 * ({@code rules[1].subjectPattern}: the regular expression's own error) and change nothing.
 */
@RestController
@Tag(name = ApiDocs.RECEIVE)
class RulesApi {
    /** The rules in the order given; each is tried by ascending {@code order}, the first match wins. */
    record RulesBody(List<RuleDraft> rules) {}

    /** The result of checking rules: how many, in the order they are tried. */
    record ValidView(boolean valid, List<String> order) {}

    /** A header of a sample message. */
    record SampleHeader(String name, String value) {}

    /**
     * A sample message to try rules on: either {@code mime} (a whole RFC 5322 message, or just its header
     * block) or the fields; {@code rules} to try instead of the stored ones.
     */
    record TestRequest(
            String mime,
            String from,
            List<String> to,
            List<String> cc,
            String subject,
            List<SampleHeader> headers,
            List<RuleDraft> rules) {}

    /** What the rules decided for the sample. */
    record DecisionView(boolean deliver, String rule, String label, String reason) {
        static DecisionView of(Decision d) {
            return new DecisionView(d.deliver(), d.rule(), d.label(), d.reason());
        }
    }

    private final Stores stores;
    private final MimeParser parser;

    RulesApi(Stores stores, MimeParser parser) {
        this.stores = stores;
        this.parser = parser;
    }

    private Mailbox mailbox(UUID id) {
        return stores.mailboxes().get(id).orElseThrow(() -> new NotFoundException("mailbox", id));
    }

    @GetMapping(path = "/api/v1/mailboxes/{id}/rules", produces = "application/json")
    @Operation(
            summary = "The mailbox's rules",
            description = "No rules: every message is delivered except auto-replies, bounces and Mailbridge's own"
                    + " mail (loop protection).")
    RulesBody list(@PathVariable UUID id) {
        mailbox(id);
        return new RulesBody(stores.rules().list(id).stream().map(RuleDraft::of).toList());
    }

    @PutMapping(path = "/api/v1/mailboxes/{id}/rules", consumes = "application/json", produces = "application/json")
    @Operation(
            summary = "Replace the mailbox's rules",
            description = "Rules are tried by ascending order; the first whose patterns (case-insensitive Java"
                    + " regular expressions, found anywhere) all match decides: skipped for an ignored sender, no"
                    + " recipient in acceptedDomains, own mail (skipOwnMail, default true) or automatic mail"
                    + " (unless allowAutomatic); otherwise delivered with the rule's label. No rule matches:"
                    + " skipped. An empty list restores the default (deliver all but loop protection). 400 with"
                    + " one error per field for invalid rules; nothing is changed then.")
    RulesBody put(@PathVariable UUID id, @RequestBody RulesBody body) {
        Mailbox m = mailbox(id);
        RuleDraft.Checked checked = check(body);
        stores.rules().replace(id, checked.rules());
        stores.audit()
                .record(
                        Actor.current(),
                        "mailbox.rules",
                        "mailbox/" + id,
                        m.address() + ": " + checked.rules().size() + " rule(s)");
        return list(id);
    }

    @PostMapping(
            path = "/api/v1/mailboxes/{id}/rules/validate",
            consumes = "application/json",
            produces = "application/json")
    @Operation(
            summary = "Check rules without saving them",
            description = "200 with the order the rules are tried in, or 400 as PUT would answer.")
    ValidView validate(@PathVariable UUID id, @RequestBody RulesBody body) {
        mailbox(id);
        RuleDraft.Checked checked = check(body);
        return new ValidView(
                true,
                new RuleSet(checked.rules()).rules().stream().map(r -> r.name()).toList());
    }

    @PostMapping(
            path = "/api/v1/mailboxes/{id}/rules/test",
            consumes = "application/json",
            produces = "application/json")
    @Operation(
            summary = "Try the rules on a sample message",
            description = "Give mime (a message or its header block) or from, to, cc, subject and headers; the"
                    + " stored rules are used unless rules are given. Answers the decision: deliver, the rule that"
                    + " matched, its label and the reason in words.")
    DecisionView test(@PathVariable UUID id, @RequestBody TestRequest request) throws IOException {
        Mailbox m = mailbox(id);
        if (request == null) {
            throw ValidationException.of("body", "Send a sample message: mime, or from, to, subject and headers.");
        }
        RuleSet rules = request.rules() == null
                ? stores.rules().ruleSet(id)
                : new RuleSet(check(new RulesBody(request.rules())).rules());
        byte[] mime = sample(request).getBytes(StandardCharsets.UTF_8);
        ReceivedMessage message;
        try {
            message = parser.parse(new ByteArrayInputStream(mime), m.address(), null);
        } catch (MessageParseException e) {
            throw ValidationException.of("mime", "The sample could not be read as a message: " + e.getMessage() + ".");
        }
        return DecisionView.of(rules.evaluate(message));
    }

    private static RuleDraft.Checked check(RulesBody body) {
        if (body == null || body.rules() == null) {
            throw ValidationException.of("rules", "Send {\"rules\": [...]}, an empty list for none.");
        }
        RuleDraft.Checked checked = RuleDraft.check(body.rules());
        if (!checked.valid()) {
            throw new ValidationException(checked.problems());
        }
        return checked;
    }

    /** The sample as RFC 5322 text: the given MIME (a header block gets its empty line), or built from the fields. */
    private static String sample(TestRequest r) {
        if (r.mime() != null && !r.mime().isBlank()) {
            String text = r.mime().replace("\r\n", "\n").replace("\n", "\r\n");
            return text.contains("\r\n\r\n") ? text : text.stripTrailing() + "\r\n\r\n";
        }
        List<FieldError> errors = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        header(b, "From", r.from(), "from", errors);
        if (r.to() != null && !r.to().isEmpty()) {
            header(b, "To", String.join(", ", r.to()), "to", errors);
        }
        if (r.cc() != null && !r.cc().isEmpty()) {
            header(b, "Cc", String.join(", ", r.cc()), "cc", errors);
        }
        header(b, "Subject", r.subject(), "subject", errors);
        List<SampleHeader> headers = r.headers() == null ? List.of() : r.headers();
        for (int i = 0; i < headers.size(); i++) {
            SampleHeader h = headers.get(i);
            if (h == null || h.name() == null || !h.name().matches("[!-9;-~]+")) {
                errors.add(new FieldError("headers[" + i + "].name", "Give a header field name, like X-Priority."));
                continue;
            }
            header(b, h.name(), h.value() == null ? "" : h.value(), "headers[" + i + "].value", errors);
        }
        if (b.isEmpty() && errors.isEmpty()) {
            errors.add(new FieldError("from", "Give at least a sender, recipients, a subject or headers, or mime."));
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        return b.append("\r\n").toString();
    }

    private static void header(StringBuilder b, String name, String value, String field, List<FieldError> errors) {
        if (value == null) {
            return;
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            errors.add(new FieldError(field, "One line only."));
            return;
        }
        b.append(name).append(": ").append(value).append("\r\n");
    }
}
