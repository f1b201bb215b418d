package dev.mailbridge.core.sync;

import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.GraphPermissions;
import dev.mailbridge.core.connect.MailboxFolders;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.FolderMapping;
import dev.mailbridge.core.model.HistoryEvent;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.receive.AfterDelivery;
import dev.mailbridge.core.store.HistoryStore;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.graph.GraphException;
import dev.mailbridge.graph.GraphIds;
import dev.mailbridge.identity.failure.SignInFailure;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * "Switch to Graph" for one connection: from EWS to Microsoft Graph without losing or repeating a message.
 *
 * <p>First a check that changes nothing ({@link #check}): the connection signs in with OAuth, the app's
 * Graph token carries Mail.ReadWrite and Mail.Send (the missing ones are named, with where to add them),
 * every mailbox opens over Graph (RBAC for Applications may keep an app out of some), and every mapped
 * folder is found over Graph by its path. Then, holding every mailbox's sync lock ({@link Locks}), for each
 * mailbox a last EWS pass if it receives (it may fail: EWS in Exchange Online may be blocked already) and the
 * pending after-delivery actions applied over EWS; then in one transaction, so that a failure leaves the
 * connection on EWS as it was: the folder mappings moved to their Graph ids, the actions still waiting given
 * Graph ids, each Graph sync marked to resume from the last EWS pass ({@link MailboxSync#markSwitched}), and
 * the connection's transport changed. Rules, receive settings and delivery
 * targets are the mailbox's and stay as they are. The settings generation stays too, so nobody has to
 * authorize again: the same app and the same grant serve Graph.
 */
public final class GraphSwitch {
    /** Runs work holding a mailbox's sync lock (the server's; a CLI or test without one runs it directly). */
    public interface Locks {
        <T> T holding(UUID mailboxId, Supplier<T> work);

        Locks NONE = new Locks() {
            @Override
            public <T> T holding(UUID mailboxId, Supplier<T> work) {
                return work.get();
            }
        };
    }

    /** What the check found for one mailbox. */
    public record MailboxCheck(
            UUID mailboxId,
            String address,
            Optional<GraphPermissions.Check> permissions,
            List<FolderMapping> graphFolders,
            List<String> problems) {}

    /** The check of a whole connection; {@link #ok} when the switch can go ahead. */
    public record Check(UUID connectionId, List<String> problems, List<MailboxCheck> mailboxes) {
        public boolean ok() {
            return problems.isEmpty()
                    && mailboxes.stream().allMatch(m -> m.problems().isEmpty());
        }

        /** Every problem, each naming its mailbox, as field errors for the API and the UI. */
        public List<FieldError> errors() {
            List<FieldError> out = new ArrayList<>();
            problems.forEach(p -> out.add(new FieldError("connection", p)));
            for (MailboxCheck m : mailboxes) {
                m.problems().forEach(p -> out.add(new FieldError("mailbox", m.address() + ": " + p)));
            }
            return out;
        }
    }

    /**
     * What the switch did for one mailbox.
     *
     * @param lastEwsPass new messages the last EWS pass handed on; empty when it did not run (not receiving)
     * @param lastEwsPassError why the last EWS pass failed (Graph resumes from the last good one)
     * @param resumeFrom the instant Graph's first round hands on mail from; empty: it follows "start from now"
     */
    public record MailboxSwitched(
            UUID mailboxId,
            String address,
            Optional<Integer> lastEwsPass,
            Optional<String> lastEwsPassError,
            Optional<Instant> resumeFrom,
            int foldersMapped,
            int actionsCarried) {}

    public record Report(UUID connectionId, List<MailboxSwitched> mailboxes) {}

    private final Stores stores;
    private final MailboxServices services;
    private final MailboxSync sync;
    private final AfterDelivery afterDelivery;
    private final ReceiveSettings settings;
    private final Clock clock;

    public GraphSwitch(
            MailboxServices services,
            MailboxSync sync,
            AfterDelivery afterDelivery,
            ReceiveSettings settings,
            Clock clock) {
        this.stores = services.stores();
        this.services = services;
        this.sync = sync;
        this.afterDelivery = afterDelivery;
        this.settings = settings;
        this.clock = clock;
    }

    /** Checks everything the switch needs, changing nothing. */
    public Check check(UUID connectionId) {
        Connection c = stores.connections()
                .get(connectionId)
                .orElseThrow(() -> new NotFoundException("connection", connectionId));
        List<String> problems = new ArrayList<>();
        if (c.transport() == Transport.GRAPH) {
            problems.add("The connection already uses Microsoft Graph.");
        }
        if (!c.signInMode().oauth()) {
            problems.add("Microsoft Graph accepts only OAuth, and this connection signs in with Basic: create an app "
                    + "registration (docs/microsoft-setup.md), change the connection to OAuth delegated or app-only, "
                    + "then switch.");
        }
        if (!problems.isEmpty()) {
            return new Check(connectionId, problems, List.of());
        }
        Optional<GraphPermissions.Check> appCheck = Optional.empty();
        if (c.signInMode() == SignInMode.OAUTH_APP_ONLY) {
            // one app, one token: checked once, also for a connection without mailboxes yet
            try {
                GraphPermissions.Check app = new GraphPermissions(services.tokens()).checkApp(c);
                if (!app.ok()) {
                    problems.add("The app lacks the Microsoft Graph permission " + String.join(" and ", app.missing())
                            + ". " + app.fix());
                    return new Check(connectionId, problems, List.of());
                }
                appCheck = Optional.of(app);
            } catch (SignInFailure f) {
                problems.add("Entra gives no Microsoft Graph token: " + f.plainMessage() + " " + f.fix());
                return new Check(connectionId, problems, List.of());
            }
        }
        List<MailboxCheck> mailboxes = new ArrayList<>();
        for (Mailbox m : stores.mailboxes().list(connectionId)) {
            mailboxes.add(checkMailbox(c, m, appCheck));
        }
        return new Check(connectionId, problems, mailboxes);
    }

    private MailboxCheck checkMailbox(Connection c, Mailbox m, Optional<GraphPermissions.Check> appCheck) {
        List<String> problems = new ArrayList<>();
        if (c.signInMode() == SignInMode.OAUTH_DELEGATED && !m.hasRefreshToken()) {
            // nothing to check before its user signs in; it will sign in for Graph's scopes
            return new MailboxCheck(m.id(), m.address(), Optional.empty(), List.of(), problems);
        }
        GraphPermissions.Check permissions;
        try {
            permissions = appCheck.orElseGet(() -> new GraphPermissions(services.tokens()).check(m));
        } catch (SignInFailure f) {
            problems.add("Entra gives no Microsoft Graph token: " + f.plainMessage() + " " + f.fix());
            return new MailboxCheck(m.id(), m.address(), Optional.empty(), List.of(), problems);
        }
        if (!permissions.ok()) {
            problems.add("The app lacks the Microsoft Graph permission " + String.join(" and ", permissions.missing())
                    + ". " + permissions.fix());
            return new MailboxCheck(m.id(), m.address(), Optional.of(permissions), List.of(), problems);
        }
        List<FolderMapping> mapped = new ArrayList<>();
        try {
            List<FolderMapping> current = stores.mailboxes().folders(m.id());
            if (current.isEmpty()) {
                services.access().graph(m.id()).folder("inbox"); // opens over Graph at all
            } else {
                Map<String, MailboxFolders.MailboxFolder> byPath = new HashMap<>();
                for (MailboxFolders.MailboxFolder f : services.folders().listOverGraph(m.id())) {
                    byPath.putIfAbsent(f.path().toLowerCase(Locale.ROOT), f);
                }
                for (FolderMapping f : current) {
                    MailboxFolders.MailboxFolder g = byPath.get(f.folderName().toLowerCase(Locale.ROOT));
                    if (g == null) {
                        problems.add("The folder \"" + f.folderName() + "\" (mapped to " + f.role()
                                + ") is not in the mailbox over Microsoft Graph: map another folder, then switch.");
                    } else {
                        mapped.add(new FolderMapping(f.role(), g.id(), g.path()));
                    }
                }
            }
        } catch (GraphException e) {
            problems.add("The mailbox does not open over Microsoft Graph: " + e.getMessage()
                    + (e.httpStatus() == 403
                            ? " If RBAC for Applications limits this app, add the mailbox to its management scope."
                            : ""));
        } catch (SignInFailure f) {
            problems.add(f.plainMessage() + " " + f.fix());
        }
        return new MailboxCheck(m.id(), m.address(), Optional.of(permissions), mapped, problems);
    }

    /**
     * Switches the connection to Graph.
     *
     * @param sink where the last EWS pass hands new messages (the receive pipeline)
     * @throws ValidationException when the check finds a problem; nothing has changed then
     */
    public Report switchToGraph(UUID connectionId, MessageSink sink, Locks locks, String actor) {
        Check check = check(connectionId);
        if (!check.ok()) {
            throw new ValidationException(check.errors());
        }
        List<MailboxCheck> mailboxes = check.mailboxes();
        List<MailboxSwitched> done = holdingAll(locks, mailboxes, 0, () -> {
            List<LastPass> passes = new ArrayList<>();
            for (MailboxCheck m : mailboxes) {
                passes.add(lastEwsPass(m, sink));
            }
            // every change in one transaction: a failure leaves the connection on EWS as it was
            List<MailboxSwitched> out = stores.database().jdbc().transaction(() -> {
                List<MailboxSwitched> switched = new ArrayList<>();
                for (int i = 0; i < mailboxes.size(); i++) {
                    switched.add(moveToGraph(mailboxes.get(i), passes.get(i)));
                }
                stores.connections().switchTransport(connectionId, Transport.GRAPH);
                return switched;
            });
            services.tokens().forget(connectionId);
            services.access().forget(connectionId);
            return out;
        });
        stores.audit()
                .record(actor, "connection.switch-to-graph", "connection/" + connectionId, done.size() + " mailboxes");
        for (MailboxSwitched m : done) {
            stores.history()
                    .add(HistoryStore.event(
                                    connectionId,
                                    m.mailboxId(),
                                    HistoryEvent.Kind.CHANGED,
                                    m.lastEwsPassError().isPresent()
                                            ? HistoryEvent.Outcome.WARNING
                                            : HistoryEvent.Outcome.OK,
                                    "Switched to Microsoft Graph"
                                            + m.resumeFrom()
                                                    .map(t -> "; receiving resumes from " + t)
                                                    .orElse(""))
                            .detail(m.lastEwsPassError()
                                    .map(e -> "The last EWS pass failed (" + e + "); Graph picks up what it missed.")
                                    .orElse(null)));
        }
        return new Report(connectionId, done);
    }

    private <T> T holdingAll(Locks locks, List<MailboxCheck> mailboxes, int i, Supplier<T> work) {
        if (i == mailboxes.size()) {
            return work.get();
        }
        return locks.holding(mailboxes.get(i).mailboxId(), () -> holdingAll(locks, mailboxes, i + 1, work));
    }

    /** What the last EWS pass of a mailbox did, and where Graph resumes. */
    private record LastPass(Optional<Integer> handed, Optional<String> error, Optional<Instant> resumeFrom) {}

    /** The last EWS pass (when the mailbox receives) and the after-delivery actions EWS can still apply. */
    private LastPass lastEwsPass(MailboxCheck check, MessageSink sink) {
        UUID id = check.mailboxId();
        Optional<ReceiveSettings.Setting> setting = settings.get(id);
        Optional<Integer> handed = Optional.empty();
        Optional<String> error = Optional.empty();
        Optional<Instant> resumeFrom = sync.status(id).flatMap(MailboxSync.SyncStatus::lastSyncAt);
        if (setting.map(ReceiveSettings.Setting::enabled).orElse(false)) {
            Instant startedAt = clock.instant();
            try {
                handed = Optional.of(
                        sync.syncOnce(id, sink, setting.get().startFromNow()).newMessages());
                resumeFrom = Optional.of(startedAt);
            } catch (RuntimeException e) {
                // EWS may be blocked already: Graph resumes from the last pass that worked
                error = Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
        try {
            afterDelivery.run(id); // what can be applied over EWS is, before the ids change
        } catch (RuntimeException e) {
            // left pending; carried over to Graph ids
        }
        return new LastPass(handed, error, resumeFrom);
    }

    /** Folder mappings and waiting actions to Graph ids, and Graph's sync marked to resume; in a transaction. */
    private MailboxSwitched moveToGraph(MailboxCheck check, LastPass pass) {
        UUID id = check.mailboxId();
        if (!check.graphFolders().isEmpty()) {
            stores.mailboxes().mapFolders(id, check.graphFolders());
        }
        int carried = carryPendingActions(id);
        pass.resumeFrom().ifPresent(t -> sync.markSwitched(id, t));
        return new MailboxSwitched(
                id,
                check.address(),
                pass.handed(),
                pass.error(),
                pass.resumeFrom(),
                check.graphFolders().size(),
                carried);
    }

    /** The after-delivery rows still waiting, given the Graph ids of their originals. */
    private int carryPendingActions(UUID mailboxId) {
        var jdbc = stores.database().jdbc();
        List<String[]> rows = jdbc.query(
                "SELECT idempotency_key, item_id FROM after_delivery WHERE mailbox_id=? AND state='PENDING'",
                rs -> new String[] {rs.getString("idempotency_key"), rs.getString("item_id")},
                mailboxId);
        return jdbc.transaction(() -> {
            int n = 0;
            for (String[] r : rows) {
                String graphId = GraphIds.fromEwsId(r[1]);
                if (!graphId.equals(r[1])) {
                    jdbc.update(
                            "UPDATE after_delivery SET item_id=? WHERE mailbox_id=? AND idempotency_key=?",
                            graphId,
                            mailboxId,
                            r[0]);
                }
                n++;
            }
            return n;
        });
    }
}
