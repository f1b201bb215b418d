package dev.mailbridge.server.api;

import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.deliver.MailboxCounters;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.model.FolderRole;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.sync.AfterDeliveryAction;
import dev.mailbridge.core.sync.MailboxSync;
import dev.mailbridge.core.sync.ReceiveSettings;
import dev.mailbridge.core.sync.WatchStatus;
import dev.mailbridge.server.ReceiveScheduler;
import dev.mailbridge.server.api.ApiModels.DeliveriesView;
import dev.mailbridge.server.api.ApiModels.ReceiveRequest;
import dev.mailbridge.server.api.ApiModels.ReceiveView;
import dev.mailbridge.server.api.ApiModels.SyncResultView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Receiving a mailbox's mail: the switch, a pass now, and how delivery stands. */
@RestController
@Tag(name = ApiDocs.RECEIVE)
class ReceiveApi {
    private final Stores stores;
    private final ReceiveSettings settings;
    private final ReceiveScheduler receiver;
    private final MailboxSync sync;
    private final Outbox outbox;

    ReceiveApi(Stores stores, ReceiveSettings settings, ReceiveScheduler receiver, MailboxSync sync, Outbox outbox) {
        this.stores = stores;
        this.settings = settings;
        this.receiver = receiver;
        this.sync = sync;
        this.outbox = outbox;
    }

    @GetMapping(path = "/api/v1/mailboxes/{id}/receive", produces = "application/json")
    @Operation(summary = "Whether the server receives this mailbox's mail")
    ReceiveView get(@PathVariable UUID id) {
        return view(mailbox(id), settings.get(id));
    }

    @PutMapping(path = "/api/v1/mailboxes/{id}/receive", consumes = "application/json", produces = "application/json")
    @Operation(
            summary = "Enable or disable receiving",
            description = "An enabled mailbox is watched for new mail while its sign-in works (AUTHORIZED or "
                    + "EXPIRING): a streaming subscription, else a pull subscription, else polling "
                    + "(mailbridge.receive.notifications), plus a pass every mailbridge.poll-interval; each new "
                    + "message is queued for every delivery target. "
                    + "startFromNow matters only before the first pass: what is already there is skipped. "
                    + "afterDelivery: the action on the original once every target acknowledged it; "
                    + "MOVE_TO_PROCESSED needs a folder mapped to PROCESSED (400 otherwise).")
    ReceiveView put(@PathVariable UUID id, @RequestBody ReceiveRequest request) {
        Mailbox m = mailbox(id);
        Optional<ReceiveSettings.Setting> current = settings.get(id);
        boolean enabled = request.enabled() != null
                ? request.enabled()
                : current.map(ReceiveSettings.Setting::enabled).orElse(false);
        boolean startFromNow = request.startFromNow() != null
                ? request.startFromNow()
                : current.map(ReceiveSettings.Setting::startFromNow).orElse(false);
        AfterDeliveryAction afterDelivery = request.afterDelivery() != null
                ? request.afterDelivery()
                : current.map(ReceiveSettings.Setting::afterDelivery).orElse(AfterDeliveryAction.NONE);
        if (afterDelivery == AfterDeliveryAction.MOVE_TO_PROCESSED
                && stores.mailboxes().folders(id).stream().noneMatch(f -> f.role() == FolderRole.PROCESSED)) {
            throw ValidationException.of(
                    "afterDelivery",
                    "Moving to the processed folder needs a folder mapped to Processed: map one first (PUT "
                            + "/api/v1/mailboxes/" + id + "/folder-mapping) or choose another action.");
        }
        ReceiveSettings.Setting s = settings.put(id, enabled, startFromNow, afterDelivery);
        receiver.receiveChanged(id);
        stores.audit()
                .record(
                        Actor.current(),
                        "mailbox.receive",
                        "mailbox/" + id,
                        m.address() + ": enabled=" + enabled + ", startFromNow=" + startFromNow + ", afterDelivery="
                                + afterDelivery);
        return view(m, Optional.of(s));
    }

    @PostMapping(path = "/api/v1/mailboxes/{id}/sync", produces = "application/json")
    @Operation(
            summary = "Sync now",
            description = "Runs one sync pass now (waiting for a scheduled one that is running) and queues the new "
                    + "messages for delivery. 409 when receiving is not enabled or the mailbox's sign-in does not "
                    + "work; 502 when Exchange refuses (the reason is also kept as the last sync error).")
    SyncResultView syncNow(@PathVariable UUID id) {
        Mailbox m = mailbox(id);
        if (!settings.get(id).map(ReceiveSettings.Setting::enabled).orElse(false)) {
            throw new ApiProblems.Conflict(
                    "Receiving is not enabled for this mailbox; PUT /api/v1/mailboxes/" + id
                            + "/receive with {\"enabled\": true} first.",
                    List.of("enabled"));
        }
        if (!ReceiveScheduler.canSync(m.status())) {
            throw new ApiProblems.Conflict(
                    "The mailbox is " + m.status().label() + ": authorize it (or run Test Connection for Basic "
                            + "sign-in) before syncing.",
                    List.of());
        }
        MailboxSync.Result r = receiver.syncNow(id);
        return new SyncResultView(id, r.newMessages(), r.alreadyReceived(), r.pages(), r.restarted());
    }

    @GetMapping(path = "/api/v1/mailboxes/{id}/deliveries", produces = "application/json")
    @Operation(summary = "Delivery counters of the mailbox's events, its last sync and last sync error")
    DeliveriesView deliveries(@PathVariable UUID id) {
        mailbox(id);
        MailboxCounters c = outbox.counters(id);
        Optional<MailboxSync.SyncStatus> s = sync.status(id);
        return new DeliveriesView(
                id,
                c.pending(),
                c.failing(),
                c.delivered(),
                c.dead(),
                c.lastDeliveredAt().orElse(null),
                s.flatMap(MailboxSync.SyncStatus::lastSyncAt).orElse(null),
                s.flatMap(MailboxSync.SyncStatus::lastError).orElse(null),
                s.map(MailboxSync.SyncStatus::receivedCount).orElse(0L));
    }

    private ReceiveView view(Mailbox m, Optional<ReceiveSettings.Setting> s) {
        boolean enabled = s.map(ReceiveSettings.Setting::enabled).orElse(false);
        Optional<WatchStatus> watch = receiver.watchStatus(m.id());
        return new ReceiveView(
                m.id(),
                enabled,
                s.map(ReceiveSettings.Setting::startFromNow).orElse(false),
                enabled && ReceiveScheduler.canSync(m.status()),
                s.map(ReceiveSettings.Setting::afterDelivery).orElse(AfterDeliveryAction.NONE),
                s.map(ReceiveSettings.Setting::updatedAt).orElse(null),
                watch.map(WatchStatus::mode).orElse(null),
                watch.map(WatchStatus::label).orElse(null));
    }

    private Mailbox mailbox(UUID id) {
        return stores.mailboxes().get(id).orElseThrow(() -> new NotFoundException("mailbox", id));
    }
}
