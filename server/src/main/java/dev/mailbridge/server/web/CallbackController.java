package dev.mailbridge.server.web;

import dev.mailbridge.core.connect.AuthorizationFailure;
import dev.mailbridge.core.connect.Authorizations;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.Mailbox;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Where Microsoft's sign-in comes back ({@code response_mode=query}). The core checks state (one use),
 * the time limit and PKCE; a failure that points at a connection field is shown at that field.
 */
@Controller
class CallbackController {
    private final MailboxServices services;
    private final Access access;

    CallbackController(MailboxServices services, Access access) {
        this.services = services;
        this.access = access;
    }

    @GetMapping("/oauth2/callback")
    String callback(@RequestParam Map<String, String> params, RedirectAttributes flash) {
        try {
            Authorizations.Completed done = services.authorizations().complete(params);
            Mailbox m = services.stores().mailboxes().get(done.mailboxId()).orElseThrow();
            flash.addFlashAttribute(
                    "notice",
                    Pages.Notice.ok(m.address() + " is authorized (signed in as " + done.signedInAs() + ")."));
            return "redirect:/mailboxes/" + done.mailboxId();
        } catch (AuthorizationFailure f) {
            Connection c = f.mailboxId()
                    .flatMap(id -> services.stores().mailboxes().get(id))
                    .flatMap(m -> services.stores().connections().get(m.connectionId()))
                    .orElse(null);
            if (c == null || f.mailboxId().isEmpty()) {
                flash.addFlashAttribute("notice", Pages.Notice.of(f));
                return "redirect:/";
            }
            access.mailbox(f.mailboxId().get());
            return failed(f, c, f.mailboxId().get(), flash);
        }
    }

    /**
     * Shows a failed authorization: at the connection form's field when it names one (and the person
     * may edit connections), else on the mailbox page.
     */
    static String failed(AuthorizationFailure f, Connection c, UUID mailboxId, RedirectAttributes flash) {
        flash.addFlashAttribute("notice", Pages.Notice.of(f));
        if (f.field().isPresent() && Pages.isAdmin()) {
            flash.addFlashAttribute(
                    "errors",
                    ConnectionController.fieldError(f.field().get(), f.getMessage() + " What to do: " + f.fix()));
            return "redirect:/connections/" + c.id() + "/edit";
        }
        return "redirect:/mailboxes/" + mailboxId;
    }
}
