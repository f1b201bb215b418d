package dev.mailbridge.server.web;

import dev.mailbridge.core.connect.AuthorizationFailure;
import dev.mailbridge.core.connect.Authorizations;
import dev.mailbridge.core.connect.ConnectionTester;
import dev.mailbridge.core.connect.MailboxFolders;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.TokenKeeper;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.FolderMapping;
import dev.mailbridge.core.model.FolderRole;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.send.SendSettings;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.server.ServerSettings;
import java.net.URI;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A mailbox: its status, Authorize / Re-authorize, Refresh now, Test Connection, folders and their
 * roles, history. Admins see every mailbox; an owner only their own.
 */
@Controller
class MailboxController {
    private final ReceiveController receiving;

    private static final Logger log = LoggerFactory.getLogger(MailboxController.class);

    private final MailboxServices services;
    private final Stores stores;
    private final Access access;
    private final ServerSettings settings;

    private final SendSettings sendSettings;

    MailboxController(
            MailboxServices services,
            Access access,
            ServerSettings settings,
            ReceiveController receiving,
            SendSettings sendSettings) {
        this.receiving = receiving;
        this.sendSettings = sendSettings;
        this.services = services;
        this.stores = services.stores();
        this.access = access;
        this.settings = settings;
    }

    @GetMapping("/mailboxes/{id}")
    String show(@PathVariable UUID id, @RequestParam(required = false) String folders, Model model) {
        Mailbox m = access.mailbox(id);
        Connection c = stores.connections().get(m.connectionId()).orElseThrow();
        model.addAttribute("mailbox", m);
        model.addAttribute("connection", c);
        model.addAttribute(
                "organisation", stores.organisations().get(c.organisationId()).orElseThrow());
        model.addAttribute("missing", missing(c));
        model.addAttribute("deviceCode", publicClient(c));
        receiving.addTo(model, id);
        model.addAttribute("ruleCount", stores.rules().list(id).size());
        model.addAttribute("replyFrom", sendSettings.replyFrom(id).orElse(null));
        // candidates for the paired outgoing mailbox: the organisation's other mailboxes
        model.addAttribute(
                "replyFromOptions",
                stores.connections().list(c.organisationId()).stream()
                        .flatMap(x -> stores.mailboxes().list(x.id()).stream())
                        .filter(x -> !x.id().equals(id))
                        .toList());
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", Map.of());
        }
        model.addAttribute("history", stores.history().ofMailbox(id, 100));
        model.addAttribute("roles", FolderRole.values());
        Map<String, String> mapped = new java.util.HashMap<>();
        for (FolderMapping f : stores.mailboxes().folders(id)) {
            mapped.put(f.role().name(), f.folderId());
        }
        model.addAttribute("mapped", mapped);
        model.addAttribute("mappings", stores.mailboxes().folders(id));
        if (folders != null) {
            try {
                List<MailboxFolders.MailboxFolder> list = services.folders().list(id);
                model.addAttribute("folders", list);
            } catch (RuntimeException e) {
                model.addAttribute("foldersError", "The folders could not be listed: " + e.getMessage());
            }
        }
        return "mailbox";
    }

    @PostMapping("/mailboxes/{id}/send-settings")
    String sendSettings(
            @PathVariable UUID id, @RequestParam(defaultValue = "") String replyFrom, RedirectAttributes flash) {
        Mailbox m = access.mailbox(id);
        Optional<UUID> other;
        try {
            other = replyFrom.isBlank() ? Optional.empty() : Optional.of(UUID.fromString(replyFrom));
            sendSettings.setReplyFrom(m.id(), other);
        } catch (IllegalArgumentException e) {
            flash.addFlashAttribute("errors", Map.of("replyFrom", "Choose a mailbox from the list."));
            return "redirect:/mailboxes/" + id + "#sending";
        } catch (ValidationException e) {
            flash.addFlashAttribute("errors", Pages.errors(e));
            flash.addFlashAttribute(
                    "notice", Pages.Notice.error("The setting was not saved.", "See the field under Sending."));
            return "redirect:/mailboxes/" + id + "#sending";
        }
        stores.audit()
                .record(
                        Pages.actor(),
                        "mailbox.send-settings",
                        "mailbox/" + id,
                        m.address() + ": replyFrom=" + other.map(UUID::toString).orElse("itself"));
        flash.addFlashAttribute(
                "notice",
                Pages.Notice.ok(
                        other.isEmpty()
                                ? "Replies go out from " + m.address() + "."
                                : "Replies go out from the paired mailbox."));
        return "redirect:/mailboxes/" + id + "#sending";
    }

    private List<String> missing(Connection c) {
        return c.signInMode().oauth() ? services.connections().missingForAuthorize(c) : List.of();
    }

    /** A delegated connection without a secret or certificate signs in with a device code. */
    private static boolean publicClient(Connection c) {
        return c.signInMode() == SignInMode.OAUTH_DELEGATED && !c.hasClientSecret() && !c.hasCertificate();
    }

    @PostMapping("/mailboxes/{id}/device-code")
    String deviceCode(@PathVariable UUID id, RedirectAttributes flash) {
        Mailbox m = access.mailbox(id);
        Connection c = stores.connections().get(m.connectionId()).orElseThrow();
        try {
            Authorizations.DeviceCodeStart code = services.authorizations().startDeviceCode(id, Pages.actor());
            flash.addFlashAttribute("deviceCodeStart", code);
        } catch (AuthorizationFailure f) {
            return CallbackController.failed(f, c, m.id(), flash);
        }
        return "redirect:/mailboxes/" + id;
    }

    @PostMapping("/mailboxes/{id}/authorize")
    String authorize(@PathVariable UUID id, Model model, RedirectAttributes flash) {
        Mailbox m = access.mailbox(id);
        Connection c = stores.connections().get(m.connectionId()).orElseThrow();
        List<String> missing = missing(c);
        if (!c.signInMode().oauth()) {
            flash.addFlashAttribute(
                    "notice",
                    Pages.Notice.error(
                            "Basic sign-in has nothing to authorize.", "Use Test Connection to check the password."));
            return "redirect:/mailboxes/" + id;
        }
        if (!missing.isEmpty()) {
            flash.addFlashAttribute(
                    "notice",
                    Pages.Notice.error(
                            "Authorize needs: " + String.join(", ", missing) + ".",
                            "Edit the connection and fill them in."));
            return "redirect:/mailboxes/" + id;
        }
        try {
            if (c.signInMode() == SignInMode.OAUTH_APP_ONLY) {
                Authorizations.Completed done = services.authorizations().authorizeAppOnly(id, Pages.actor());
                flash.addFlashAttribute(
                        "notice", Pages.Notice.ok(m.address() + " is authorized (" + done.signedInAs() + ")."));
                return "redirect:/mailboxes/" + id;
            }
            Authorizations.SignInRedirect r =
                    services.authorizations().start(id, URI.create(settings.redirectUri()), Pages.actor());
            // Not a redirect: the CSP's form-action 'self' forbids a form post that redirects to another
            // site. A page with the link (followed at once by app.js) opens Microsoft's sign-in instead.
            model.addAttribute("url", r.authorizationUrl().toString());
            model.addAttribute("address", m.address());
            model.addAttribute("minutes", Authorizations.TIMEOUT.toMinutes());
            return "signin-redirect";
        } catch (AuthorizationFailure f) {
            return CallbackController.failed(f, c, m.id(), flash);
        } catch (ValidationException e) {
            flash.addFlashAttribute("notice", Pages.Notice.error(e.getMessage(), "Edit the connection."));
            return "redirect:/mailboxes/" + id;
        }
    }

    @PostMapping("/mailboxes/{id}/refresh")
    String refresh(@PathVariable UUID id, RedirectAttributes flash) {
        Mailbox m = access.mailbox(id);
        TokenKeeper.RefreshResult r = services.tokens().refresh(m.id());
        flash.addFlashAttribute(
                "notice",
                r.refreshed()
                        ? Pages.Notice.ok("Token refreshed for " + m.address() + ".")
                        : Pages.Notice.error(
                                "Not refreshed: " + r.message(),
                                r.status().advice().isEmpty()
                                        ? null
                                        : r.status().advice()));
        return "redirect:/mailboxes/" + id;
    }

    @PostMapping("/mailboxes/{id}/test")
    String test(@PathVariable UUID id, RedirectAttributes flash) {
        Mailbox m = access.mailbox(id);
        Connection c = stores.connections().get(m.connectionId()).orElseThrow();
        ConnectionTester.TestReport report = services.tester().test(id, Pages.actor());
        flash.addFlashAttribute("report", report);
        flash.addFlashAttribute(
                "notice",
                report.passed()
                        ? Pages.Notice.ok("Test Connection passed.")
                        : Pages.Notice.error("Test Connection failed.", "See the failed step below for what to fix."));
        return "redirect:/mailboxes/" + id;
    }

    @PostMapping("/mailboxes/{id}/folders")
    String mapFolders(@PathVariable UUID id, @RequestParam Map<String, String> params, RedirectAttributes flash) {
        Mailbox m = access.mailbox(id);
        Map<FolderRole, String> roles = new EnumMap<>(FolderRole.class);
        for (FolderRole r : FolderRole.values()) {
            String v = params.get("role_" + r.name());
            if (v != null && !v.isBlank()) {
                roles.put(r, v);
            }
        }
        try {
            List<FolderMapping> saved = services.folders().map(m.id(), roles, Pages.actor());
            flash.addFlashAttribute("notice", Pages.Notice.ok("Folder roles saved (" + saved.size() + " mapped)."));
        } catch (ValidationException e) {
            flash.addFlashAttribute("notice", Pages.Notice.error(e.getMessage(), "Reload the folders and try again."));
        } catch (RuntimeException e) {
            log.info("folder mapping failed for mailbox {}: {}", id, e.getMessage());
            flash.addFlashAttribute(
                    "notice",
                    Pages.Notice.error("The folders could not be read: " + e.getMessage(), "Run Test Connection."));
        }
        return "redirect:/mailboxes/" + id + "?folders";
    }

    @PostMapping("/mailboxes/{id}/delete")
    String delete(@PathVariable UUID id, RedirectAttributes flash) {
        access.requireAdmin();
        Mailbox m = access.mailbox(id);
        services.connections().removeMailbox(id, Pages.actor());
        flash.addFlashAttribute("notice", Pages.Notice.ok("Mailbox " + m.address() + " removed."));
        return "redirect:/connections/" + m.connectionId();
    }

    @PostMapping("/tokens/sweep")
    String sweep(@RequestParam(required = false) UUID back, RedirectAttributes flash) {
        access.requireAdmin();
        TokenKeeper.SweepResult r = services.tokens().sweep();
        flash.addFlashAttribute(
                "notice",
                Pages.Notice.ok("Token check done: " + r.refreshed() + " refreshed, " + r.failed() + " failed, "
                        + r.expiring() + " expiring."));
        return back == null ? "redirect:/" : "redirect:/connections/" + back;
    }
}
