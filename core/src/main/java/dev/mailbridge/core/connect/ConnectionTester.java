package dev.mailbridge.core.connect;

import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.HistoryEvent;
import dev.mailbridge.core.model.HostMode;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.store.HistoryStore;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.error.EwsException;
import dev.mailbridge.ews.model.DistinguishedFolder;
import dev.mailbridge.ews.model.Folder;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.ops.CreateItem;
import dev.mailbridge.ews.ops.DeleteItem;
import dev.mailbridge.graph.GraphException;
import dev.mailbridge.graph.MailFolder;
import dev.mailbridge.identity.failure.SignInFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.SSLException;

/**
 * Test Connection: the steps a support engineer would take by hand, each passed or failed with what to
 * fix, stopping at the first failure (later steps depend on earlier ones). The report goes to the
 * mailbox's history.
 */
public final class ConnectionTester {
    public enum StepStatus {
        PASSED,
        FAILED,
        SKIPPED
    }

    public record Step(String name, StepStatus status, String message, Optional<String> fix, Optional<String> code) {
        static Step passed(String name, String message) {
            return new Step(name, StepStatus.PASSED, message, Optional.empty(), Optional.empty());
        }

        static Step failed(String name, String message, String fix, Optional<String> code) {
            return new Step(name, StepStatus.FAILED, message, Optional.ofNullable(fix), code);
        }

        static Step skipped(String name, String why) {
            return new Step(name, StepStatus.SKIPPED, why, Optional.empty(), Optional.empty());
        }
    }

    public record TestReport(UUID mailboxId, Instant at, boolean passed, List<Step> steps) {
        public TestReport {
            steps = List.copyOf(steps);
        }
    }

    static final String SETTINGS = "Settings";
    static final String HOST = "EWS host";
    static final String GRAPH_HOST = "Graph host";
    static final String TLS = "TLS";
    static final String TOKEN = "Sign-in";
    static final String ACCESS = "Mailbox access";
    static final String SEND = "Send permission";

    private final Stores stores;
    private final TokenKeeper keeper;
    private final MailboxAccess access;
    private final ConnectionService connections;
    private final Clock clock;

    public ConnectionTester(
            Stores stores, TokenKeeper keeper, MailboxAccess access, ConnectionService connections, Clock clock) {
        this.stores = stores;
        this.keeper = keeper;
        this.access = access;
        this.connections = connections;
        this.clock = clock;
    }

    public TestReport test(UUID mailboxId, String actor) {
        Mailbox m = keeper.mailbox(mailboxId);
        Connection c = keeper.connection(m.connectionId());
        List<Step> steps = new ArrayList<>();
        boolean graph = c.transport() == Transport.GRAPH;
        run(m, c, steps, graph);
        for (String name : List.of(SETTINGS, graph ? GRAPH_HOST : HOST, TLS, TOKEN, ACCESS, SEND)) {
            if (steps.stream().noneMatch(s -> s.name().equals(name))) {
                steps.add(Step.skipped(name, "Not run: an earlier step failed."));
            }
        }
        boolean passed = steps.stream().noneMatch(s -> s.status() == StepStatus.FAILED);
        TestReport report = new TestReport(m.id(), clock.instant(), passed, steps);
        record(c, m, report);
        if (!c.signInMode().oauth()) {
            basicStatus(m, c, report);
        }
        stores.audit().record(actor, "mailbox.test", "mailbox/" + m.id(), passed ? "passed" : "failed");
        return report;
    }

    private void run(Mailbox m, Connection c, List<Step> steps, boolean graph) {
        // 1. Settings complete for the mode.
        List<String> missing = c.signInMode().oauth() ? connections.missingForSignIn(c) : basicMissing(c);
        if (!missing.isEmpty()) {
            steps.add(Step.failed(
                    SETTINGS,
                    "Missing: " + String.join(", ", missing) + ".",
                    "Edit the connection and fill them in.",
                    Optional.empty()));
            return;
        }
        if (c.signInMode() == SignInMode.OAUTH_DELEGATED && !m.hasRefreshToken()) {
            steps.add(Step.failed(
                    SETTINGS,
                    "The mailbox is not authorized (" + m.status().label() + ").",
                    "Press Authorize and sign in as " + m.address() + ".",
                    m.statusCode()));
            return;
        }
        steps.add(Step.passed(
                SETTINGS, c.signInMode().label() + ", " + c.cloud().profile().displayName() + "."));

        // 2. Host: the supplied URL resolves, or Autodiscover finds one (Graph: the cloud's or the given root).
        Optional<URI> host = graph ? graphHost(c, steps) : ewsHost(m, c, steps);
        if (host.isEmpty()) {
            return;
        }
        URI url = host.get();

        // 3. TLS (and proxy): any HTTP answer means the certificate was trusted and the name matched.
        try {
            HttpResponse<Void> r = keeper.profile(c)
                    .http()
                    .send(
                            HttpRequest.newBuilder(url)
                                    .timeout(Duration.ofSeconds(15))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            steps.add(Step.passed(
                    TLS,
                    "https".equals(url.getScheme())
                            ? "Certificate verified; the server answered (HTTP " + r.statusCode() + ")."
                            : "The server answered (HTTP " + r.statusCode() + ")."));
        } catch (SSLException e) {
            steps.add(Step.failed(
                    TLS,
                    "The TLS handshake with " + url.getHost() + " failed: " + e.getMessage(),
                    "If the server uses a private CA, paste its certificate under Trusted CAs. Check that the URL's "
                            + "host name matches the certificate.",
                    Optional.empty()));
            return;
        } catch (IOException e) {
            steps.add(Step.failed(
                    TLS,
                    "Cannot reach " + url.getHost() + ": " + e.getMessage(),
                    "Check the URL, the port, the proxy settings and any firewall between Mailbridge and Exchange.",
                    Optional.empty()));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }

        // 4. Token.
        if (c.signInMode().oauth()) {
            try {
                var token =
                        graph ? keeper.graphTokens(m).token() : keeper.tokens(m).token();
                stores.mailboxes().markRefreshed(m.id(), Optional.of(token.expiresOn()));
                steps.add(Step.passed(TOKEN, "Token obtained, valid until " + token.expiresOn() + "."));
            } catch (SignInFailure f) {
                steps.add(Step.failed(TOKEN, f.plainMessage(), f.fix(), SignInFailures.code(f)));
                stores.history()
                        .add(SignInFailures.history(c.id(), m.id(), HistoryEvent.Kind.TEST, "Test: sign-in failed", f));
                return;
            }
        } else {
            steps.add(Step.passed(TOKEN, "Basic sign-in: the password is checked with the next step."));
        }

        if (graph) {
            graphAccess(m, c, steps);
            return;
        }

        // 5. Mailbox access: the inbox.
        EwsClient ews;
        try {
            ews = access.ews(m, c, url);
            Folder inbox = ews.folder(DistinguishedFolder.INBOX.ref());
            steps.add(Step.passed(
                    ACCESS,
                    "Opened the inbox of " + m.address() + " (" + inbox.totalCount() + " messages, "
                            + inbox.unreadCount() + " unread)."));
        } catch (EwsException e) {
            steps.add(Step.failed(ACCESS, e.plainMessage(), e.fix(), e.responseCode()));
            return;
        } catch (SignInFailure f) {
            steps.add(Step.failed(ACCESS, f.plainMessage(), f.fix(), SignInFailures.code(f)));
            return;
        }

        // 6. Write access: a draft created and deleted again (nothing is sent).
        try {
            ItemId draft = ews.execute(CreateItem.draft(CreateItem.NewMessage.text(
                            "Mailbridge connection test",
                            "Created and deleted by Mailbridge's Test Connection.",
                            m.address())))
                    .single();
            ews.execute(DeleteItem.hard(draft)).single();
            steps.add(Step.passed(SEND, "Created a draft and deleted it again; nothing was sent."));
        } catch (EwsException e) {
            steps.add(Step.failed(SEND, e.plainMessage(), e.fix(), e.responseCode()));
        }
    }

    /** Step 2 over Graph: the cloud's Graph root, or the connection's own, resolves. */
    private Optional<URI> graphHost(Connection c, List<Step> steps) {
        if (!c.signInMode().oauth()) {
            steps.add(Step.failed(
                    GRAPH_HOST,
                    "Microsoft Graph accepts only OAuth, and this connection signs in with Basic.",
                    "Edit the connection: choose OAuth delegated or app-only, or the EWS transport.",
                    Optional.empty()));
            return Optional.empty();
        }
        URI url = access.graphRoot(c);
        try {
            InetAddress.getAllByName(url.getHost());
            steps.add(Step.passed(GRAPH_HOST, "Using Microsoft Graph at " + url + "."));
            return Optional.of(url);
        } catch (UnknownHostException e) {
            steps.add(Step.failed(
                    GRAPH_HOST,
                    "The host name " + e.getMessage() + " does not resolve.",
                    "Check the Graph URL (leave it empty for the cloud's own), and this server's DNS.",
                    Optional.empty()));
            return Optional.empty();
        }
    }

    /** Step 2 over EWS: the supplied URL resolves, or Autodiscover finds one. */
    private Optional<URI> ewsHost(Mailbox m, Connection c, List<Step> steps) {
        try {
            URI url = access.ewsUrl(m, c);
            InetAddress.getAllByName(url.getHost());
            steps.add(Step.passed(
                    HOST, (c.hostMode() == HostMode.AUTODISCOVER ? "Autodiscover found " : "Using ") + url + "."));
            return Optional.of(url);
        } catch (UnknownHostException e) {
            steps.add(Step.failed(
                    HOST,
                    "The host name " + e.getMessage() + " does not resolve.",
                    "Check the EWS URL's host name, and this server's DNS.",
                    Optional.empty()));
        } catch (EwsException e) {
            steps.add(Step.failed(HOST, e.plainMessage(), e.fix(), e.responseCode()));
        } catch (SignInFailure f) {
            steps.add(Step.failed(HOST, f.plainMessage(), f.fix(), SignInFailures.code(f)));
        }
        return Optional.empty();
    }

    /** Steps 5 and 6 over Graph: the inbox opened, and the token's permissions (nothing is written or sent). */
    private void graphAccess(Mailbox m, Connection c, List<Step> steps) {
        try {
            MailFolder inbox = access.graph(m, c).folder("inbox");
            steps.add(Step.passed(
                    ACCESS,
                    "Opened the inbox of " + m.address() + " over Microsoft Graph (" + inbox.totalItemCount()
                            + " messages, " + inbox.unreadItemCount() + " unread)."));
        } catch (GraphException e) {
            steps.add(Step.failed(ACCESS, e.getMessage(), e.fix(), Optional.ofNullable(e.code())));
            return;
        } catch (SignInFailure f) {
            steps.add(Step.failed(ACCESS, f.plainMessage(), f.fix(), SignInFailures.code(f)));
            return;
        }
        try {
            GraphPermissions.Check check = new GraphPermissions(keeper).check(m);
            if (check.exchangeRbac()) {
                steps.add(Step.passed(
                        SEND,
                        "The token carries no Mail permission, so Exchange's RBAC for Applications grants them: the "
                                + "inbox opened, so reading works; sending is proven by the first message sent."));
            } else if (check.ok()) {
                steps.add(Step.passed(
                        SEND,
                        "The app holds " + String.join(" and ", GraphPermissions.REQUIRED) + "; nothing was sent."));
            } else {
                steps.add(Step.failed(
                        SEND,
                        "The app lacks the Microsoft Graph permission " + String.join(" and ", check.missing()) + ".",
                        check.fix(),
                        Optional.empty()));
            }
        } catch (SignInFailure f) {
            steps.add(Step.failed(SEND, f.plainMessage(), f.fix(), SignInFailures.code(f)));
        } catch (IllegalStateException e) {
            steps.add(Step.failed(
                    SEND,
                    e.getMessage(),
                    "Run the test again; if it persists, report it with the log.",
                    Optional.empty()));
        }
    }

    /** Basic sign-in has no tokens: a passing test is what "authorized" means for it. */
    private void basicStatus(Mailbox m, Connection c, TestReport report) {
        if (report.passed()) {
            stores.mailboxes()
                    .markAuthorized(m.id(), c.username().orElse(m.address()), c.settingsGeneration(), Optional.empty());
            return;
        }
        Step failed = report.steps().stream()
                .filter(s -> s.status() == StepStatus.FAILED)
                .findFirst()
                .orElseThrow();
        stores.mailboxes()
                .setStatus(
                        m.id(),
                        dev.mailbridge.core.model.MailboxStatus.FAILING,
                        failed.code(),
                        Optional.of(failed.name() + ": " + failed.message()
                                + failed.fix().map(f -> " " + f).orElse("")));
    }

    private static List<String> basicMissing(Connection c) {
        List<String> missing = new ArrayList<>();
        if (c.username().isEmpty()) {
            missing.add("user name");
        }
        if (!c.hasPassword()) {
            missing.add("password");
        }
        if (c.hostMode() == HostMode.SUPPLIED && c.ewsUrl().isEmpty()) {
            missing.add("EWS URL");
        }
        return missing;
    }

    private void record(Connection c, Mailbox m, TestReport report) {
        StringBuilder detail = new StringBuilder();
        Optional<String> code = Optional.empty();
        for (Step s : report.steps()) {
            detail.append(s.status()).append("  ").append(s.name()).append(": ").append(s.message());
            s.fix().ifPresent(f -> detail.append(" What to do: ").append(f));
            detail.append('\n');
            if (s.status() == StepStatus.FAILED && code.isEmpty()) {
                code = s.code();
            }
        }
        Optional<Step> failed = report.steps().stream()
                .filter(s -> s.status() == StepStatus.FAILED)
                .findFirst();
        stores.history()
                .add(HistoryStore.event(
                                c.id(),
                                m.id(),
                                HistoryEvent.Kind.TEST,
                                report.passed() ? HistoryEvent.Outcome.OK : HistoryEvent.Outcome.FAILED,
                                report.passed()
                                        ? "Test Connection passed"
                                        : "Test Connection failed at "
                                                + failed.get().name() + ": "
                                                + failed.get().message())
                        .code(code.orElse(null))
                        .detail(detail.toString()));
    }
}
