package dev.mailbridge.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.deliver.WebhookSignature;
import dev.mailbridge.core.send.MailSender;
import dev.mailbridge.core.send.OutgoingMessage;
import dev.mailbridge.core.send.RateLimitedException;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.server.web.Pages;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The webhook inspector: {@code POST /demo/webhook} receives the demo target's events (no session, no CSRF:
 * the signature is what a receiver trusts), {@code /demo/inbox} shows them to the administrator, and Reply
 * answers a received message through Mailbridge.
 */
@Controller
class InspectorController {
    private final WebhookInspector inspector;
    private final MailSender sender;

    InspectorController(WebhookInspector inspector, MailSender sender) {
        this.inspector = inspector;
        this.sender = sender;
    }

    @PostMapping(WebhookInspector.PATH)
    ResponseEntity<String> receive(
            @RequestHeader(name = "Mailbridge-Event", required = false) String type,
            @RequestHeader(name = "Idempotency-Key", required = false) String key,
            @RequestHeader(name = "Mailbridge-Delivery", required = false) String delivery,
            @RequestHeader(name = WebhookSignature.HEADER, required = false) String signature,
            @RequestBody(required = false) byte[] body) {
        WebhookInspector.Event e = inspector.receive(type, key, delivery, signature, body == null ? new byte[0] : body);
        // A real receiver refuses a bad signature; Mailbridge then retries and finally dead-letters the event.
        return e.signatureValid()
                ? ResponseEntity.ok("received")
                : ResponseEntity.status(401).body("signature not valid");
    }

    @GetMapping("/demo/inbox")
    @PreAuthorize("hasRole('ADMIN')")
    String inbox(Model model) {
        model.addAttribute("events", inspector.events());
        model.addAttribute("target", inspector.target().orElse(null));
        return "demo-inbox";
    }

    @PostMapping("/demo/inbox/reply")
    @PreAuthorize("hasRole('ADMIN')")
    String reply(@RequestParam long event, @RequestParam(required = false) String text, RedirectAttributes flash) {
        WebhookInspector.Event e = inspector.event(event).orElse(null);
        JsonNode m = e == null ? null : e.data();
        if (e == null || !"message.received".equals(e.type()) || e.mailboxId().isEmpty()) {
            flash.addFlashAttribute(
                    "notice",
                    notice("error", "That event is not a received message.", "Pick one with a Reply button."));
            return "redirect:/demo/inbox";
        }
        String to = m.path("replyTo")
                .path(0)
                .path("address")
                .asText(m.path("from").path("address").asText(""));
        String subject = m.path("subject").asText("");
        List<String> references = new ArrayList<>();
        m.path("references").forEach(r -> references.add(r.asText()));
        OutgoingMessage reply = OutgoingMessage.builder()
                .to(to)
                .subject(subject.regionMatches(true, 0, "Re:", 0, 3) ? subject : "Re: " + subject)
                .text(text == null || text.isBlank() ? "Thank you for your message. We are on it.\n" : text)
                .build()
                .replyingTo(m.path("messageId").asText(null), references);
        try {
            sender.send(e.mailboxId().get(), reply);
            flash.addFlashAttribute(
                    "notice", notice("ok", "Reply to " + to + " sent; its message.sent event follows.", null));
        } catch (ValidationException | RateLimitedException | NotFoundException | IllegalStateException ex) {
            flash.addFlashAttribute(
                    "notice",
                    notice(
                            "error",
                            "The reply was not sent: " + ex.getMessage(),
                            "Check the mailbox's page (Test Connection)."));
        }
        return "redirect:/demo/inbox";
    }

    private static Pages.Notice notice(String kind, String message, String fix) {
        return new Pages.Notice(kind, message, fix, null, null, null, null);
    }
}
