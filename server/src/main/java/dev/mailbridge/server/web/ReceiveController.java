package dev.mailbridge.server.web;

import dev.mailbridge.core.deliver.DeliveryTarget;
import dev.mailbridge.core.deliver.DeliveryTargetStore;
import dev.mailbridge.core.deliver.DeliveryWorker;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.deliver.OutboxEntry;
import dev.mailbridge.core.deliver.OutboxState;
import dev.mailbridge.core.deliver.WebhookSignature;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.sync.AfterDeliveryAction;
import dev.mailbridge.core.sync.MailboxSync;
import dev.mailbridge.core.sync.ReceiveSettings;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.server.ReceiveScheduler;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Receiving mail, per mailbox (on or off, start from now, last sync, delivered, failures, dead letters
 * with replay, sync now) and the delivery targets (admins: webhooks with their signing secret shown
 * once).
 */
@Controller
class ReceiveController {
    private final Access access;
    private final ReceiveSettings settings;
    private final MailboxSync sync;
    private final ReceiveScheduler scheduler;
    private final Outbox outbox;
    private final DeliveryTargetStore targets;
    private final DeliveryWorker worker;
    private final dev.mailbridge.core.store.Stores stores;

    ReceiveController(
            Access access,
            ReceiveSettings settings,
            MailboxSync sync,
            ReceiveScheduler scheduler,
            Outbox outbox,
            DeliveryTargetStore targets,
            DeliveryWorker worker,
            dev.mailbridge.core.store.Stores stores) {
        this.worker = worker;
        this.stores = stores;
        this.access = access;
        this.settings = settings;
        this.sync = sync;
        this.scheduler = scheduler;
        this.outbox = outbox;
        this.targets = targets;
    }

    /** What the mailbox page shows about receiving. */
    void addTo(Model model, UUID mailboxId) {
        model.addAttribute("receive", settings.get(mailboxId).orElse(null));
        model.addAttribute("syncStatus", sync.status(mailboxId).orElse(null));
        model.addAttribute(
                "watchStatus",
                scheduler
                        .watchStatus(mailboxId)
                        .map(dev.mailbridge.core.sync.WatchStatus::label)
                        .orElse(null));
        model.addAttribute("counters", outbox.counters(mailboxId));
        model.addAttribute("deadLetters", outbox.deadLetters(Optional.of(mailboxId), 0, 20));
        model.addAttribute("hasTargets", !targets.list().isEmpty());
        model.addAttribute("afterDeliveryActions", AfterDeliveryAction.values());
    }

    @PostMapping("/mailboxes/{id}/receive")
    String receive(
            @PathVariable UUID id,
            @RequestParam(defaultValue = "false") boolean enabled,
            @RequestParam(defaultValue = "false") boolean startFromNow,
            @RequestParam(defaultValue = "NONE") AfterDeliveryAction afterDelivery,
            RedirectAttributes flash) {
        Mailbox m = access.mailbox(id);
        boolean processedMapped = stores.mailboxes().folders(m.id()).stream()
                .anyMatch(f -> f.role() == dev.mailbridge.core.model.FolderRole.PROCESSED);
        if (afterDelivery == AfterDeliveryAction.MOVE_TO_PROCESSED && !processedMapped) {
            flash.addFlashAttribute(
                    "notice",
                    Pages.Notice.error(
                            "\"Move to the processed folder\" needs a folder mapped to the Processed role.",
                            "Map a Processed folder under Folders first, or choose another action."));
            return "redirect:/mailboxes/" + id + "#receiving";
        }
        settings.put(m.id(), enabled, startFromNow, afterDelivery);
        scheduler.receiveChanged(m.id());
        flash.addFlashAttribute(
                "notice", Pages.Notice.ok(enabled ? "Receiving is on for " + m.address() + "." : "Receiving is off."));
        return "redirect:/mailboxes/" + id + "#receiving";
    }

    @PostMapping("/mailboxes/{id}/sync")
    String syncNow(@PathVariable UUID id, RedirectAttributes flash) {
        Mailbox m = access.mailbox(id);
        try {
            MailboxSync.Result r = scheduler.syncNow(m.id());
            flash.addFlashAttribute(
                    "notice", Pages.Notice.ok("Synced: " + r.newMessages() + " new message(s) queued for delivery."));
        } catch (RuntimeException e) {
            flash.addFlashAttribute(
                    "notice",
                    Pages.Notice.error(
                            "The sync failed: " + e.getMessage(),
                            "Run Test Connection to see which step fails, and check the folder mapping."));
        }
        return "redirect:/mailboxes/" + id + "#receiving";
    }

    @PostMapping("/dead-letters/{entry}/replay")
    String replay(@PathVariable long entry, RedirectAttributes flash) {
        OutboxEntry e = outbox.get(entry)
                .orElseThrow(() -> new dev.mailbridge.core.store.NotFoundException("dead letter", new UUID(0, entry)));
        UUID mailbox = e.mailboxId().orElseThrow();
        access.mailbox(mailbox);
        if (e.state() == OutboxState.DEAD && outbox.replay(entry)) {
            worker.wake();
            flash.addFlashAttribute("notice", Pages.Notice.ok("Queued for delivery again."));
        } else {
            flash.addFlashAttribute(
                    "notice", Pages.Notice.error("That delivery is not in the dead letters any more.", "Reload."));
        }
        return "redirect:/mailboxes/" + mailbox + "#receiving";
    }

    @GetMapping("/settings/targets")
    String targets(Model model) {
        model.addAttribute("targets", targets.list());
        return "targets";
    }

    @PostMapping("/settings/targets")
    String createWebhook(@RequestParam String name, @RequestParam String url, Model model, RedirectAttributes flash) {
        String secret = WebhookSignature.newSecret();
        try {
            DeliveryTarget t = targets.create(DeliveryTargetStore.Settings.webhook(name, url, Secret.of(secret)));
            flash.addFlashAttribute("createdSecret", secret);
            flash.addFlashAttribute("notice", Pages.Notice.ok("Webhook \"" + t.name() + "\" created."));
        } catch (IllegalArgumentException | dev.mailbridge.core.connect.ValidationException e) {
            flash.addFlashAttribute(
                    "notice",
                    Pages.Notice.error(
                            "The webhook was not created: " + e.getMessage(),
                            "Enter a name and an http(s):// URL your application listens on."));
        }
        return "redirect:/settings/targets";
    }

    @PostMapping("/settings/targets/{id}/delete")
    String delete(@PathVariable UUID id, RedirectAttributes flash) {
        targets.delete(id);
        flash.addFlashAttribute("notice", Pages.Notice.ok("Delivery target deleted."));
        return "redirect:/settings/targets";
    }
}
