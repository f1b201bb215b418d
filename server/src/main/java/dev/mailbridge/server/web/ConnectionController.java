package dev.mailbridge.server.web;

import dev.mailbridge.core.connect.EwsRetirement;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.HostMode;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.Organisation;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.sync.GraphSwitch;
import dev.mailbridge.identity.cloud.Cloud;
import dev.mailbridge.server.ReceiveScheduler;
import dev.mailbridge.server.ServerSettings;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Creating, editing and showing connections, and adding mailboxes to them. Admins only. */
@Controller
class ConnectionController {
    private final MailboxServices services;
    private final Stores stores;
    private final Access access;
    private final ServerSettings settings;
    private final EwsRetirement ewsRetirement;

    private final ReceiveScheduler receiving;

    ConnectionController(
            MailboxServices services,
            Access access,
            ServerSettings settings,
            EwsRetirement ewsRetirement,
            ReceiveScheduler receiving) {
        this.receiving = receiving;
        this.services = services;
        this.stores = services.stores();
        this.access = access;
        this.settings = settings;
        this.ewsRetirement = ewsRetirement;
    }

    @ModelAttribute
    void choices(Model model) {
        model.addAttribute("transports", Transport.values());
        model.addAttribute("signInModes", SignInMode.values());
        model.addAttribute("clouds", Cloud.values());
        model.addAttribute("hostModes", HostMode.values());
        model.addAttribute("redirectUri", settings.redirectUri());
        model.addAttribute("title", "New connection");
    }

    @GetMapping("/organisations/{orgId}/connections/new")
    String newForm(@PathVariable UUID orgId, Model model) {
        access.requireAdmin();
        model.addAttribute("organisation", organisation(orgId));
        model.addAttribute("form", new ConnectionForm());
        model.addAttribute("errors", Map.of());
        return "connection-form";
    }

    @PostMapping("/organisations/{orgId}/connections")
    String create(
            @PathVariable UUID orgId,
            @ModelAttribute("form") ConnectionForm form,
            Model model,
            RedirectAttributes flash) {
        access.requireAdmin();
        Organisation o = organisation(orgId);
        try {
            Connection c = services.connections().create(o.id(), form.toSettings(), Pages.actor());
            flash.addFlashAttribute("notice", Pages.Notice.ok("Connection \"" + c.name() + "\" created."));
            return "redirect:/connections/" + c.id();
        } catch (ValidationException e) {
            form.forgetSecrets();
            model.addAttribute("organisation", o);
            model.addAttribute("errors", Pages.errors(e));
            model.addAttribute("notice", Pages.Notice.error("Nothing was saved.", "Correct the fields marked below."));
            return "connection-form";
        }
    }

    @GetMapping("/connections/{id}/edit")
    String editForm(@PathVariable UUID id, Model model) {
        access.requireAdmin();
        Connection c = connection(id);
        model.addAttribute("organisation", organisation(c.organisationId()));
        model.addAttribute("connection", c);
        model.addAttribute("title", "Edit " + c.name());
        model.addAttribute("form", ConnectionForm.of(c));
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", Map.of());
        }
        return "connection-form";
    }

    @PostMapping("/connections/{id}")
    String update(
            @PathVariable UUID id, @ModelAttribute("form") ConnectionForm form, Model model, RedirectAttributes flash) {
        access.requireAdmin();
        Connection before = connection(id);
        try {
            Connection c = services.connections().update(id, form.toSettings(), Pages.actor());
            flash.addFlashAttribute(
                    "notice",
                    Pages.Notice.ok("Connection \"" + c.name() + "\" saved."
                            + (c.settingsGeneration() != before.settingsGeneration()
                                    ? " Its sign-in settings changed: re-authorize its mailboxes."
                                    : "")));
            return "redirect:/connections/" + c.id();
        } catch (ValidationException e) {
            form.forgetSecrets();
            model.addAttribute("organisation", organisation(before.organisationId()));
            model.addAttribute("connection", before);
            model.addAttribute("title", "Edit " + before.name());
            model.addAttribute("errors", Pages.errors(e));
            model.addAttribute("notice", Pages.Notice.error("Nothing was saved.", "Correct the fields marked below."));
            return "connection-form";
        }
    }

    @PostMapping("/connections/{id}/delete")
    String delete(@PathVariable UUID id, RedirectAttributes flash) {
        access.requireAdmin();
        Connection c = connection(id);
        services.connections().delete(id, Pages.actor());
        flash.addFlashAttribute("notice", Pages.Notice.ok("Connection \"" + c.name() + "\" deleted."));
        return "redirect:/organisations/" + c.organisationId();
    }

    @GetMapping("/connections/{id}")
    String show(@PathVariable UUID id, Model model) {
        access.requireAdmin();
        Connection c = connection(id);
        List<Mailbox> mailboxes = stores.mailboxes().list(id);
        model.addAttribute("connection", c);
        model.addAttribute("organisation", organisation(c.organisationId()));
        model.addAttribute("mailboxes", mailboxes);
        model.addAttribute(
                "missing", c.signInMode().oauth() ? services.connections().missingForAuthorize(c) : List.of());
        model.addAttribute("history", stores.history().ofConnection(id, 100));
        model.addAttribute("adminConsentUrl", adminConsent(c).orElse(null));
        model.addAttribute("ewsNotice", ewsRetirement.notice(c).orElse(null));
        return "connection";
    }

    @PostMapping("/connections/{id}/switch-to-graph")
    String switchToGraph(@PathVariable UUID id, RedirectAttributes flash) {
        access.requireAdmin();
        connection(id);
        try {
            GraphSwitch.Report r = receiving.switchToGraph(id, Pages.actor());
            long failedPasses = r.mailboxes().stream()
                    .filter(m -> m.lastEwsPassError().isPresent())
                    .count();
            flash.addFlashAttribute(
                    "notice",
                    Pages.Notice.ok((r.mailboxes().isEmpty()
                                    ? "Switched to Microsoft Graph: the mailboxes you add receive and send over"
                                            + " Graph."
                                    : "Switched to Microsoft Graph: "
                                            + r.mailboxes().size()
                                            + (r.mailboxes().size() == 1 ? " mailbox" : " mailboxes")
                                            + " now receive and send over Graph, resuming where EWS stopped;"
                                            + " folder mappings and rules are kept.")
                            + (failedPasses > 0
                                    ? " The last EWS pass failed for " + failedPasses
                                            + " of them (EWS may already be blocked); Graph picks up what it missed."
                                    : "")));
        } catch (ValidationException e) {
            flash.addFlashAttribute(
                    "notice",
                    Pages.Notice.error(
                            "Not switched: nothing was changed.",
                            String.join(
                                    " ",
                                    e.errors().stream()
                                            .map(dev.mailbridge.core.connect.FieldError::message)
                                            .toList())));
        }
        return "redirect:/connections/" + id;
    }

    @PostMapping("/connections/{id}/mailboxes")
    String addMailbox(@PathVariable UUID id, @RequestParam String address, Model model, RedirectAttributes flash) {
        access.requireAdmin();
        try {
            Mailbox m = services.connections().addMailbox(id, address, Optional.empty(), Pages.actor());
            flash.addFlashAttribute("notice", Pages.Notice.ok("Mailbox " + m.address() + " added."));
            return "redirect:/connections/" + id;
        } catch (ValidationException e) {
            model.addAttribute("errors", Pages.errors(e));
            model.addAttribute("newAddress", address);
            return show(id, model);
        }
    }

    private Optional<URI> adminConsent(Connection c) {
        if (c.signInMode() != SignInMode.OAUTH_APP_ONLY
                || c.tenantId().isEmpty()
                || c.clientId().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(services.authorizations().adminConsentUrl(c.id(), URI.create(settings.redirectUri())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private Organisation organisation(UUID id) {
        return stores.organisations().get(id).orElseThrow(() -> new NotFoundException("organisation", id));
    }

    private Connection connection(UUID id) {
        return stores.connections().get(id).orElseThrow(() -> new NotFoundException("connection", id));
    }

    static Map<String, String> fieldError(String field, String message) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(field, message);
        return m;
    }
}
