package dev.mailbridge.server.web;

import dev.mailbridge.core.connect.EwsRetirement;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.Organisation;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The home page (organisations; a mailbox owner sees their mailboxes) and one organisation's page. */
@Controller
class OrganisationController {
    private final MailboxServices services;
    private final Stores stores;
    private final Access access;
    private final ObjectProvider<HomeGuide> guide;
    private final EwsRetirement ewsRetirement;

    OrganisationController(
            MailboxServices services, Access access, ObjectProvider<HomeGuide> guide, EwsRetirement ewsRetirement) {
        this.services = services;
        this.stores = services.stores();
        this.access = access;
        this.guide = guide;
        this.ewsRetirement = ewsRetirement;
    }

    @GetMapping("/")
    String home(Model model) {
        if (!Pages.isAdmin()) {
            List<Mailbox> mine =
                    stores.mailboxes().all().stream().filter(access::owns).toList();
            model.addAttribute("mailboxes", mine);
            return "my-mailboxes";
        }
        List<Organisation> orgs = stores.organisations().list();
        Map<UUID, Integer> counts = new LinkedHashMap<>();
        for (Organisation o : orgs) {
            counts.put(o.id(), stores.connections().list(o.id()).size());
        }
        model.addAttribute("organisations", orgs);
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", Map.of());
        }
        model.addAttribute("connectionCounts", counts);
        guide.ifAvailable(g -> model.addAttribute("guide", g));
        return "home";
    }

    @PostMapping("/organisations")
    String create(@RequestParam String name, Model model, RedirectAttributes flash) {
        access.requireAdmin();
        try {
            Organisation o = services.connections().createOrganisation(name, Pages.actor());
            flash.addFlashAttribute("notice", Pages.Notice.ok("Organisation \"" + o.name() + "\" created."));
            return "redirect:/organisations/" + o.id();
        } catch (ValidationException e) {
            model.addAttribute("errors", Pages.errors(e));
            model.addAttribute("newName", name);
            return home(model);
        }
    }

    @GetMapping("/organisations/{id}")
    String show(@PathVariable UUID id, Model model) {
        access.requireAdmin();
        Organisation o = stores.organisations().get(id).orElseThrow(() -> new NotFoundException("organisation", id));
        List<Connection> connections = stores.connections().list(id);
        Map<UUID, List<Mailbox>> mailboxes = new LinkedHashMap<>();
        Map<UUID, EwsRetirement.Notice> notices = new LinkedHashMap<>();
        for (Connection c : connections) {
            mailboxes.put(c.id(), stores.mailboxes().list(c.id()));
            ewsRetirement.notice(c).ifPresent(n -> notices.put(c.id(), n));
        }
        model.addAttribute("organisation", o);
        model.addAttribute("connections", connections);
        model.addAttribute("mailboxes", mailboxes);
        model.addAttribute("ewsNotices", notices);
        return "organisation";
    }

    @PostMapping("/organisations/{id}/delete")
    String delete(@PathVariable UUID id, RedirectAttributes flash) {
        access.requireAdmin();
        services.connections().deleteOrganisation(id, Pages.actor());
        flash.addFlashAttribute("notice", Pages.Notice.ok("Organisation deleted."));
        return "redirect:/";
    }
}
