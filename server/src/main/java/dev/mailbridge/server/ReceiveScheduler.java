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
import dev.mailbridge.core.sync.GraphSwitch;
import dev.mailbridge.core.sync.MailboxSync;
import dev.mailbridge.core.sync.MailboxWatchers;
import dev.mailbridge.core.sync.NotificationMode;
import dev.mailbridge.core.sync.ReceiveSettings;
import dev.mailbridge.core.sync.SyncRequests;
import dev.mailbridge.core.sync.WatchStatus;
import dev.mailbridge.identity.failure.SignInFailure;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Receives the mailboxes that receive: each one with receive enabled and a working sign-in (AUTHORIZED, or
 * EXPIRING, which still signs in; a Basic mailbox is AUTHORIZED after a green Test Connection) is watched
 * ({@link MailboxWatchers}: a streaming subscription, else a pull subscription, else nothing but polling,
 * per {@code mailbridge.receive.notifications}), and every event asks for a sync pass at once. Passes are
 * coalesced per mailbox ({@link SyncRequests}: one running, one pending) and at most {@code
 * mailbridge.receive.sync-concurrency} mailboxes sync at a time, on virtual threads; a notification's pass
 * goes before the routine ones (the safety passes below, catch-ups).
 *
 * <p>Besides the notifications, every {@code mailbridge.poll-interval} (default 30 s, first after {@code
 * mailbridge.poll-initial-delay}, default 10 s) every such mailbox gets a pass anyway: the safety net for
 * a missed notification, and the only way in for a mailbox that can neither stream nor pull. The first
 * pass after a start catches up from the stored sync state. Which mailboxes are watched is checked every
 * {@code mailbridge.receive.watch-check} (10 s) and at once when receiving is switched ({@link
 * #receiveChanged}). A failing mailbox is logged (its ID and the reason, never a secret), its error
 * recorded in {@code mailbox_sync.last_error}, and the others go on. Also starts the delivery worker when
 * the application is ready.
 *
 * <p>After each sync pass (scheduled or {@link #syncNow}) the mailbox's {@link AfterDelivery} pass runs,
 * under the same lock: the originals of messages whose delivery settled since get the configured action;
 * a pass that queued messages asks for another one {@link #AFTER_DELIVERY_FOLLOW_UP} later, so that the
 * action does not wait for the next poll when notifications make polls rare. A failing after-delivery
 * pass is logged and does not fail the sync.
 *
 * <p>Gauges: {@code mailbridge.receive.watches{mode}}, {@code mailbridge.receive.streams}, {@code
 * mailbridge.receive.sync.waiting}.
 *
 * <p>A mailbox is never synced by two passes at once: {@link #syncNow} (the API) waits for a running pass,
 * and so does a requested pass for one started by the API.
 */
@Component
public class ReceiveScheduler {
    private static final Logger log = LoggerFactory.getLogger(ReceiveScheduler.class);
    static final Duration AFTER_DELIVERY_FOLLOW_UP = Duration.ofSeconds(2);

    private final Stores stores;
    private final ReceiveSettings settings;
    private final MailboxSync sync;
    private final ReceivePipeline pipeline;
    private final DeliveryWorker worker;
    private final AfterDelivery afterDelivery;
    private final Map<UUID, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final SyncRequests requests;
    private final MailboxWatchers watchers;

    private final dev.mailbridge.core.events.MailboxEvents events;
    private final TokenKeeper tokens;
    private final GraphSwitch graphSwitch;

    ReceiveScheduler(
            Stores stores,
            MailboxServices services,
            ReceiveSettings settings,
            MailboxSync sync,
            ReceivePipeline pipeline,
            DeliveryWorker worker,
            AfterDelivery afterDelivery,
            dev.mailbridge.core.events.MailboxEvents events,
            MailboxWatchers.Options watchOptions,
            Clock clock,
            MeterRegistry metrics,
            @Value("${mailbridge.receive.sync-concurrency:4}") int syncConcurrency) {
        this.events = events;
        this.tokens = services.tokens();
        this.stores = stores;
        this.settings = settings;
        this.sync = sync;
        this.pipeline = pipeline;
        this.worker = worker;
        this.afterDelivery = afterDelivery;
        this.requests = new SyncRequests(this::pass, syncConcurrency);
        this.watchers = new MailboxWatchers(stores, services.access(), requests, watchOptions, clock);
        this.graphSwitch = new GraphSwitch(services, sync, afterDelivery, settings, clock);
        for (NotificationMode mode : NotificationMode.values()) {
            Gauge.builder(
                            "mailbridge.receive.watches",
                            watchers,
                            w -> w.countByMode().get(mode))
                    .description("Receiving mailboxes per way they hear of new mail")
                    .tag("mode", mode.name())
                    .register(metrics);
        }
        Gauge.builder("mailbridge.receive.streams", watchers, MailboxWatchers::streams)
                .description("Streaming connections open or opening")
                .register(metrics);
        Gauge.builder("mailbridge.receive.sync.waiting", requests, SyncRequests::waiting)
                .description("Sync passes waiting for a worker")
                .register(metrics);
    }

    @EventListener(ApplicationReadyEvent.class)
    void startDelivery() {
        worker.start();
    }

    @PreDestroy
    void stop() {
        watchers.close();
        requests.close();
    }

    /** Whether a mailbox in this status can be synced (its sign-in works). */
    public static boolean canSync(MailboxStatus status) {
        return status == MailboxStatus.AUTHORIZED || status == MailboxStatus.EXPIRING;
    }

    /** The safety pass: every receiving mailbox, whatever its notifications say. */
    @Scheduled(
            initialDelayString = "${mailbridge.poll-initial-delay:PT10S}",
            fixedDelayString = "${mailbridge.poll-interval:PT30S}")
    void poll() {
        for (UUID id : reconcile(true)) {
            requests.requestRoutine(id);
        }
    }

    /** Watches the mailboxes that receive, and only those. */
    @Scheduled(
            initialDelayString = "${mailbridge.poll-initial-delay:PT10S}",
            fixedDelayString = "${mailbridge.receive.watch-check:PT10S}")
    void checkWatches() {
        reconcile(false);
    }

    /**
     * Receiving was switched (or its settings changed) for the mailbox: watch it (its watch syncs once
     * subscribed; with {@code poll} the next poll does; a "start from now" mailbox takes its first pass at
     * once), or stop watching it.
     */
    public void receiveChanged(UUID mailboxId) {
        try {
            Optional<ReceiveSettings.Setting> setting = settings.get(mailboxId);
            boolean on = setting.map(ReceiveSettings.Setting::enabled).orElse(false)
                    && stores.mailboxes()
                            .get(mailboxId)
                            .map(m -> canSync(m.status()))
                            .orElse(false);
            if (on) {
                watchers.watchChecked(mailboxId); // the watch's first pass follows its subscription
                if (setting.get().startFromNow()) {
                    takeBaseline(mailboxId);
                }
            } else {
                watchers.unwatch(mailboxId);
            }
        } catch (RuntimeException e) {
            log.warn("cannot start or stop watching mailbox {}: {}", mailboxId, describe(e));
        }
    }

    /**
     * "Start from now" counts what the folder holds at the mailbox's first pass as already there. That
     * pass runs here, before receiving is reported switched on: left to the schedule it could come a poll
     * interval later, and mail that arrived meanwhile would be skipped as old instead of delivered.
     */
    private void takeBaseline(UUID mailboxId) {
        if (sync.status(mailboxId).flatMap(MailboxSync.SyncStatus::lastSyncAt).isEmpty()) {
            try {
                syncNow(mailboxId, true);
            } catch (RuntimeException e) {
                // recorded with the mailbox's sync status; the next pass takes the baseline then
                log.warn("first pass of mailbox {} failed: {}", mailboxId, describe(e));
            }
        }
    }

    /**
     * A Microsoft Graph notification POST (not the validation handshake): acts on the notifications of our
     * subscriptions whose clientState matches, ignores the rest. Does not wait for Graph or a sync.
     *
     * @return the notifications acted on
     * @throws IllegalArgumentException the body is not a Graph notification
     */
    public int graphNotification(java.io.InputStream body) {
        return watchers.graphNotification(body);
    }

    /** How the mailbox hears of new mail now; empty when it is not watched (receiving off, sign-in broken). */
    public Optional<WatchStatus> watchStatus(UUID mailboxId) {
        return watchers.status(mailboxId);
    }

    /** The receiving mailboxes whose sign-in works, now watched (the others no longer). */
    private List<UUID> reconcile(boolean checkFolders) {
        List<UUID> active = new ArrayList<>();
        try {
            Map<UUID, Mailbox> mailboxes = new HashMap<>();
            for (Mailbox m : stores.mailboxes().all()) {
                mailboxes.put(m.id(), m);
            }
            for (ReceiveSettings.Setting s : settings.listEnabled()) {
                Mailbox m = mailboxes.get(s.mailboxId());
                if (m != null && canSync(m.status())) {
                    active.add(m.id());
                }
            }
        } catch (RuntimeException e) {
            log.warn("cannot list the mailboxes that receive: {}", describe(e));
            return List.of();
        }
        for (UUID id : active) {
            try {
                if (checkFolders) {
                    watchers.watchChecked(id);
                } else {
                    watchers.watch(id);
                }
            } catch (RuntimeException e) {
                log.warn("cannot watch mailbox {}: {}", id, describe(e));
            }
        }
        watchers.retainOnly(active);
        return active;
    }

    /** One requested pass (notification, poll, follow-up): sync, then the after-delivery pass. */
    private void pass(UUID mailboxId) {
        Optional<ReceiveSettings.Setting> s;
        try {
            s = settings.get(mailboxId);
            Optional<Mailbox> m = stores.mailboxes().get(mailboxId);
            if (s.isEmpty()
                    || !s.get().enabled()
                    || m.isEmpty()
                    || !canSync(m.get().status())) {
                return;
            }
        } catch (RuntimeException e) {
            log.warn("cannot read the receive settings of mailbox {}: {}", mailboxId, describe(e));
            return;
        }
        ReentrantLock lock = lock(mailboxId);
        lock.lock();
        try {
            try {
                run(mailboxId, s.get().startFromNow());
            } finally {
                afterDelivery(mailboxId);
            }
        } catch (RuntimeException e) {
            // MailboxSync recorded it in mailbox_sync.last_error; messages of ours hold no secrets
            log.warn("receiving mail for mailbox {} failed: {}", mailboxId, describe(e));
            if (!(e instanceof SignInFailure) || !flagged(mailboxId)) {
                announceFailure(mailboxId, describe(e));
            } // else announced as mailbox.auth_failed when run() flagged it
        } finally {
            lock.unlock();
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

    /**
     * One pass for one mailbox now, waiting for a pass already running. Uses the mailbox's "start from now"
     * setting (false when it has none).
     *
     * @throws NotFoundException no such mailbox
     */
    public MailboxSync.Result syncNow(UUID mailboxId) {
        return syncNow(
                mailboxId,
                settings.get(mailboxId)
                        .map(ReceiveSettings.Setting::startFromNow)
                        .orElse(false));
    }

    private MailboxSync.Result syncNow(UUID mailboxId, boolean startFromNow) {
        return holding(mailboxId, () -> {
            MailboxSync.Result r = run(mailboxId, startFromNow);
            afterDelivery(mailboxId);
            return r;
        });
    }

    private MailboxSync.Result run(UUID mailboxId, boolean startFromNow) {
        MailboxSync.Result r;
        try {
            r = sync.syncOnce(mailboxId, pipeline, startFromNow);
        } catch (SignInFailure f) {
            // the token could not be renewed: when the grant is revoked or lapsed, the mailbox is flagged and the
            // application told, as by the token sweep; receiving waits for re-authorization (the next check
            // stops watching it), the sync state is kept
            tokens.signInFailed(mailboxId, f);
            throw f;
        }
        if (r.newMessages() > 0 || r.failed() > 0) {
            worker.wake();
            requests.requestLater(mailboxId, AFTER_DELIVERY_FOLLOW_UP);
            log.debug("mailbox {}: {} new messages queued, {} failed", mailboxId, r.newMessages(), r.failed());
        }
        return r;
    }

    /** What "Switch to Graph" would find for the connection; changes nothing. */
    public GraphSwitch.Check checkSwitchToGraph(UUID connectionId) {
        return graphSwitch.check(connectionId);
    }

    /**
     * Switches the connection from EWS to Microsoft Graph (see {@link GraphSwitch}) holding its mailboxes'
     * sync locks, so that no pass runs in between; then its receiving mailboxes are watched over Graph.
     *
     * @throws dev.mailbridge.core.connect.ValidationException what stops the switch; nothing changed then
     */
    public GraphSwitch.Report switchToGraph(UUID connectionId, String actor) {
        GraphSwitch.Report report = graphSwitch.switchToGraph(connectionId, pipeline, this::holding, actor);
        worker.wake(); // the last EWS pass may have queued messages
        for (GraphSwitch.MailboxSwitched m : report.mailboxes()) {
            receiveChanged(m.mailboxId()); // its EWS watch gives way to a Graph one (watchChecked sees the transport)
            requests.requestRoutine(m.mailboxId());
        }
        return report;
    }

    /** Runs {@code work} holding the mailbox's sync lock. */
    private <T> T holding(UUID mailboxId, java.util.function.Supplier<T> work) {
        ReentrantLock lock = lock(mailboxId);
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
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
