package dev.mailbridge.server;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.TokenKeeper;
import dev.mailbridge.core.deliver.DeliveryWorker;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.receive.AfterDelivery;
import dev.mailbridge.core.receive.ReceivePipeline;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.sync.MailboxSync;
import dev.mailbridge.core.sync.ReceiveSettings;
import dev.mailbridge.identity.failure.SignInFailure;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Polls the mailboxes that receive: every {@code mailbridge.poll-interval} (default 30 s, first after
 * {@code mailbridge.poll-initial-delay}, default 10 s) one sync pass per mailbox with receive enabled and a
 * working sign-in (AUTHORIZED, or EXPIRING, which still signs in; a Basic mailbox is AUTHORIZED after a
 * green Test Connection), one mailbox at a time. A failing mailbox is logged (its ID and the reason, never
 * a secret), its error recorded in {@code mailbox_sync.last_error}, and the loop goes on. Also starts the
 * delivery worker when the application is ready.
 *
 * <p>After each sync pass (scheduled or {@link #syncNow}) the mailbox's {@link AfterDelivery} pass runs,
 * under the same lock: the originals of messages whose delivery settled since get the configured action
 * (a message synced in this pass is usually acted on in the next one, once its delivery is acknowledged).
 * A failing after-delivery pass is logged and does not fail the sync.
 *
 * <p>A mailbox is never synced by two passes at once: {@link #syncNow} (the API) waits for a running pass,
 * the scheduled loop skips a mailbox that is busy.
 */
@Component
public class ReceiveScheduler {
    private static final Logger log = LoggerFactory.getLogger(ReceiveScheduler.class);

    private final Stores stores;
    private final ReceiveSettings settings;
    private final MailboxSync sync;
    private final ReceivePipeline pipeline;
    private final DeliveryWorker worker;
    private final AfterDelivery afterDelivery;
    private final Map<UUID, ReentrantLock> locks = new ConcurrentHashMap<>();

    private final dev.mailbridge.core.events.MailboxEvents events;
    private final TokenKeeper tokens;

    ReceiveScheduler(
            Stores stores,
            ReceiveSettings settings,
            MailboxSync sync,
            ReceivePipeline pipeline,
            DeliveryWorker worker,
            AfterDelivery afterDelivery,
            dev.mailbridge.core.events.MailboxEvents events,
            MailboxServices services) {
        this.events = events;
        this.tokens = services.tokens();
        this.stores = stores;
        this.settings = settings;
        this.sync = sync;
        this.pipeline = pipeline;
        this.worker = worker;
        this.afterDelivery = afterDelivery;
    }

    @EventListener(ApplicationReadyEvent.class)
    void startDelivery() {
        worker.start();
    }

    /** Whether a mailbox in this status can be synced (its sign-in works). */
    public static boolean canSync(MailboxStatus status) {
        return status == MailboxStatus.AUTHORIZED || status == MailboxStatus.EXPIRING;
    }

    @Scheduled(
            initialDelayString = "${mailbridge.poll-initial-delay:PT10S}",
            fixedDelayString = "${mailbridge.poll-interval:PT30S}")
    void poll() {
        for (ReceiveSettings.Setting s : enabled()) {
            try {
                Optional<Mailbox> m = stores.mailboxes().get(s.mailboxId());
                if (m.isEmpty() || !canSync(m.get().status())) {
                    continue;
                }
                ReentrantLock lock = lock(s.mailboxId());
                if (!lock.tryLock()) {
                    continue; // an API-triggered pass is running
                }
                try {
                    try {
                        run(s.mailboxId(), s.startFromNow());
                    } finally {
                        afterDelivery(s.mailboxId());
                    }
                } finally {
                    lock.unlock();
                }
            } catch (RuntimeException e) {
                // MailboxSync recorded it in mailbox_sync.last_error; messages of ours hold no secrets
                log.warn("receiving mail for mailbox {} failed: {}", s.mailboxId(), describe(e));
                if (!(e instanceof SignInFailure) || !flagged(s.mailboxId())) {
                    announceFailure(s.mailboxId(), describe(e));
                } // else announced as mailbox.auth_failed when run() flagged it
            }
        }
    }

    /** Whether the mailbox's sign-in was flagged as needing someone (Revoked, Re-authorization required). */
    private boolean flagged(UUID mailboxId) {
        return stores.mailboxes().get(mailboxId).map(m -> !canSync(m.status())).orElse(false);
    }

    /** mailbox.connection_failed, once per run of failures (see MailboxEvents). */
    private void announceFailure(java.util.UUID mailboxId, String error) {
        try {
            events.connectionFailed(
                    mailboxId, error, sync.status(mailboxId).flatMap(MailboxSync.SyncStatus::lastSyncAt));
        } catch (RuntimeException e) {
            log.warn("could not queue mailbox.connection_failed for {}: {}", mailboxId, describe(e));
        }
    }

    private java.util.List<ReceiveSettings.Setting> enabled() {
        try {
            return settings.listEnabled();
        } catch (RuntimeException e) {
            log.warn("cannot list the mailboxes that receive: {}", describe(e));
            return java.util.List.of();
        }
    }

    /**
     * One pass for one mailbox now, waiting for a pass already running. Uses the mailbox's "start from now"
     * setting (false when it has none).
     *
     * @throws NotFoundException no such mailbox
     */
    public MailboxSync.Result syncNow(UUID mailboxId) {
        boolean startFromNow = settings.get(mailboxId)
                .map(ReceiveSettings.Setting::startFromNow)
                .orElse(false);
        ReentrantLock lock = lock(mailboxId);
        lock.lock();
        try {
            MailboxSync.Result r = run(mailboxId, startFromNow);
            afterDelivery(mailboxId);
            return r;
        } finally {
            lock.unlock();
        }
    }

    private MailboxSync.Result run(UUID mailboxId, boolean startFromNow) {
        MailboxSync.Result r;
        try {
            r = sync.syncOnce(mailboxId, pipeline, startFromNow);
        } catch (SignInFailure f) {
            // the token could not be renewed: when the grant is revoked or lapsed, the mailbox is flagged and the
            // application told, as by the token sweep; polling waits for re-authorization, the sync state is kept
            tokens.signInFailed(mailboxId, f);
            throw f;
        }
        if (r.newMessages() > 0) {
            worker.wake();
            log.debug("mailbox {}: {} new messages queued", mailboxId, r.newMessages());
        }
        return r;
    }

    /** The after-delivery pass of one mailbox; the caller holds its lock. Never throws. */
    private void afterDelivery(UUID mailboxId) {
        try {
            AfterDelivery.Result r = afterDelivery.run(mailboxId);
            if (r.failed() > 0 || r.retrying() > 0) {
                log.warn(
                        "mailbox {}: after delivery, {} originals handled, {} refused by Exchange, {} to try again",
                        mailboxId,
                        r.done(),
                        r.failed(),
                        r.retrying());
            } else if (r.done() > 0) {
                log.debug("mailbox {}: after delivery, {} originals handled", mailboxId, r.done());
            }
        } catch (RuntimeException e) {
            log.warn("the after-delivery pass for mailbox {} failed: {}", mailboxId, describe(e));
        }
    }

    private ReentrantLock lock(UUID mailboxId) {
        return locks.computeIfAbsent(mailboxId, id -> new ReentrantLock());
    }

    private static String describe(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
