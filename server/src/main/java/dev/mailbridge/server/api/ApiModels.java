package dev.mailbridge.server.api;

import dev.mailbridge.core.connect.ConnectionTester;
import dev.mailbridge.core.connect.EwsRetirement;
import dev.mailbridge.core.deliver.DeliveryTarget;
import dev.mailbridge.core.deliver.EventType;
import dev.mailbridge.core.deliver.OutboxEntry;
import dev.mailbridge.core.deliver.TargetKind;
import dev.mailbridge.core.model.ApiKey;
import dev.mailbridge.core.model.AuditEntry;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.FolderMapping;
import dev.mailbridge.core.model.FolderRole;
import dev.mailbridge.core.model.HistoryEvent;
import dev.mailbridge.core.model.HostMode;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.model.Organisation;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.model.User;
import dev.mailbridge.core.sync.AfterDeliveryAction;
import dev.mailbridge.core.sync.GraphSwitch;
import dev.mailbridge.core.sync.NotificationMode;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.cloud.Cloud;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The API's request and response bodies. Responses are built from the core's records field by field, so
 * a secret can only reach a response by someone adding it here: connections say {@code clientSecretSet},
 * never the secret; mailboxes say {@code refreshTokenStored}, never the token; API keys show their value
 * only in the answer that creates them.
 */
final class ApiModels {
    private ApiModels() {}

    // ---- organisations

    @Schema(description = "An organisation: a group of connections.")
    record OrganisationRequest(
            @Schema(example = "Contoso", requiredMode = Schema.RequiredMode.REQUIRED)
            String name) {}

    record OrganisationView(UUID id, String name, Instant createdAt, int connectionCount) {
        static OrganisationView of(Organisation o, int connections) {
            return new OrganisationView(o.id(), o.name(), o.createdAt(), connections);
        }
    }

    // ---- connections

    @Schema(description = """
                    A connection's settings. Secret fields (clientSecret, certificatePem, password, proxyPassword) \
                    are write-only: leave them out or null to keep the stored value, send "" to clear it. Any \
                    text field may be ${env:NAME} to read it from the server's environment.""")
    record ConnectionRequest(
            @Schema(example = "Support mailbox", requiredMode = Schema.RequiredMode.REQUIRED)
            String name,

            @Schema(description = "EWS (default) or GRAPH") Transport transport,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            SignInMode signInMode,

            @Schema(description = "GLOBAL (default), US_GOV_HIGH, US_GOV_DOD, CHINA")
            Cloud cloud,

            @Schema(description = "SUPPLIED (default: give ewsUrl) or AUTODISCOVER")
            HostMode hostMode,

            @Schema(example = "https://outlook.office365.com/EWS/Exchange.asmx")
            String ewsUrl,

            @Schema(
                    description =
                            "GRAPH: the Microsoft Graph root; empty for the cloud's own (https://graph.microsoft.com/v1.0)",
                    example = "https://graph.microsoft.com/v1.0")
            String graphUrl,

            @Schema(description = "Autodiscover: the hosts Mailbridge may be sent to", example = "*.contoso.com")
            String approvedHosts,

            @Schema(description = "A custom sign-in host instead of the cloud's (https only)")
            String loginAuthority,

            @Schema(example = "contoso.onmicrosoft.com") String tenantId,

            @Schema(example = "00000000-0000-0000-0000-000000000000")
            String clientId,

            @Schema(accessMode = Schema.AccessMode.WRITE_ONLY, description = "The client secret's Value")
            String clientSecret,

            @Schema(
                    accessMode = Schema.AccessMode.WRITE_ONLY,
                    description = "PEM with the certificate and its unencrypted private key")
            String certificatePem,

            @Schema(description = "Basic sign-in: the account")
            String username,

            @Schema(accessMode = Schema.AccessMode.WRITE_ONLY)
            String password,

            String proxyHost,
            Integer proxyPort,
            String proxyUsername,

            @Schema(accessMode = Schema.AccessMode.WRITE_ONLY)
            String proxyPassword,

            @Schema(description = "Hosts reached without the proxy, comma-separated")
            String noProxy,

            @Schema(description = "Extra CA certificates to trust (PEM)")
            String trustedCaPem) {

        ConnectionSettings toSettings() {
            ConnectionSettings.Builder b = ConnectionSettings.builder(name, signInMode)
                    .transport(transport == null ? Transport.EWS : transport)
                    .cloud(cloud == null ? Cloud.GLOBAL : cloud)
                    .ewsUrl(ewsUrl)
                    .graphUrl(graphUrl)
                    .hostMode(hostMode == null ? HostMode.SUPPLIED : hostMode)
                    .approvedHosts(approvedHosts)
                    .loginAuthority(loginAuthority)
                    .tenantId(tenantId)
                    .clientId(clientId)
                    .clientSecret(secret(clientSecret))
                    .certificatePem(secret(certificatePem))
                    .username(username)
                    .password(secret(password))
                    .proxy(proxyHost, proxyPort)
                    .proxyCredentials(proxyUsername, secret(proxyPassword))
                    .noProxy(noProxy)
                    .trustedCaPem(trustedCaPem);
            return b.build();
        }

        private static Secret secret(String value) {
            return value == null ? null : Secret.of(value.strip());
        }
    }

    @Schema(description = "A connection as stored. Secrets are never returned; the *Set fields say whether one is.")
    record ConnectionView(
            UUID id,
            UUID organisationId,
            String name,
            Transport transport,
            SignInMode signInMode,
            String signInModeLabel,
            Cloud cloud,
            HostMode hostMode,
            String ewsUrl,
            String graphUrl,
            String approvedHosts,
            String loginAuthority,
            String tenantId,
            String clientId,
            boolean clientSecretSet,
            boolean certificateSet,
            Instant certificateExpiresAt,
            String username,
            boolean passwordSet,
            String proxyHost,
            Integer proxyPort,
            String proxyUsername,
            boolean proxyPasswordSet,
            String noProxy,
            String trustedCaPem,
            int settingsGeneration,

            @Schema(description = "The redirect URI to register in the Entra app registration (delegated mode)")
            String redirectUri,

            @Schema(description = "What is missing before Authorize can run; empty when ready")
            List<String> missingForAuthorize,

            @Schema(
                    description =
                            "What the connection's administrator should know, e.g. ews-retirement; empty when none")
            List<NoticeView> notices,

            Instant createdAt,
            Instant updatedAt) {

        static ConnectionView of(Connection c, String redirectUri, List<String> missing, List<NoticeView> notices) {
            return new ConnectionView(
                    c.id(),
                    c.organisationId(),
                    c.name(),
                    c.transport(),
                    c.signInMode(),
                    c.signInMode().label(),
                    c.cloud(),
                    c.hostMode(),
                    c.ewsUrl().orElse(null),
                    c.graphUrl().orElse(null),
                    c.approvedHosts().orElse(null),
                    c.loginAuthority().orElse(null),
                    c.tenantId().orElse(null),
                    c.clientId().orElse(null),
                    c.hasClientSecret(),
                    c.hasCertificate(),
                    c.certificateExpiresAt().orElse(null),
                    c.username().orElse(null),
                    c.hasPassword(),
                    c.proxyHost().orElse(null),
                    c.proxyPort().orElse(null),
                    c.proxyUsername().orElse(null),
                    c.hasProxyPassword(),
                    c.noProxy().orElse(null),
                    c.trustedCaPem().orElse(null),
                    c.settingsGeneration(),
                    redirectUri,
                    missing,
                    notices,
                    c.createdAt(),
                    c.updatedAt());
        }
    }

    @Schema(description = "Whether the connection can switch to Microsoft Graph; each problem says what to do.")
    record SwitchCheckView(boolean ok, List<ApiProblems.ApiFieldError> problems) {
        static SwitchCheckView of(GraphSwitch.Check c) {
            return new SwitchCheckView(
                    c.ok(),
                    c.errors().stream()
                            .map(e -> new ApiProblems.ApiFieldError(e.field(), e.message()))
                            .toList());
        }
    }

    @Schema(description = "What the switch to Microsoft Graph did for each mailbox.")
    record SwitchReportView(UUID connectionId, List<SwitchedMailboxView> mailboxes) {
        static SwitchReportView of(GraphSwitch.Report r) {
            return new SwitchReportView(
                    r.connectionId(),
                    r.mailboxes().stream().map(SwitchedMailboxView::of).toList());
        }
    }

    record SwitchedMailboxView(
            UUID mailboxId,
            String address,

            @Schema(description = "New messages the last EWS pass delivered; null when it did not run")
            Integer lastEwsPassMessages,

            @Schema(
                    description =
                            "Why the last EWS pass failed (Graph then picks up what it missed); null if it did not")
            String lastEwsPassError,

            @Schema(description = "Graph's first pass delivers mail from here on; null: as \"start from now\" says")
            Instant resumeFrom,

            int foldersMapped,
            int actionsCarried) {
        static SwitchedMailboxView of(GraphSwitch.MailboxSwitched m) {
            return new SwitchedMailboxView(
                    m.mailboxId(),
                    m.address(),
                    m.lastEwsPass().orElse(null),
                    m.lastEwsPassError().orElse(null),
                    m.resumeFrom().orElse(null),
                    m.foldersMapped(),
                    m.actionsCarried());
        }
    }

    @Schema(description = "A notice about a connection, e.g. that EWS in Exchange Online is being retired.")
    record NoticeView(
            @Schema(description = "Stable, for clients that react to it", example = "ews-retirement")
            String code,

            @Schema(description = "warning or critical", example = "warning")
            String severity,

            String title,

            @Schema(description = "What it means and what to do")
            String text) {
        static NoticeView of(EwsRetirement.Notice n) {
            return new NoticeView(n.code(), n.severity(), n.title(), n.text());
        }
    }

    record CheckResult(boolean valid, List<ApiProblems.ApiFieldError> errors) {}

    record ConsentLink(String adminConsentUrl, String redirectUri) {}

    // ---- mailboxes

    record MailboxRequest(
            @Schema(example = "adele.vance@contoso.onmicrosoft.com", requiredMode = Schema.RequiredMode.REQUIRED)
            String address,

            @Schema(description = "A Mailbridge user (role OWNER) who may authorize this mailbox themselves")
            String ownerUsername) {}

    @Schema(description = "Where a mailbox's sign-in stands.")
    record StatusView(
            MailboxStatus status,
            String label,

            @Schema(description = "AADSTS or EWS code of the last failure", example = "AADSTS700082")
            String code,

            String message,

            @Schema(description = "What to do in this status")
            String advice,

            boolean needsSignIn,
            Instant since) {}

    record MailboxView(
            UUID id,
            UUID connectionId,
            String address,
            UUID ownerUserId,
            StatusView status,
            String signedInAs,

            @Schema(description = "Whether a refresh token is kept (sealed; never returned)")
            boolean refreshTokenStored,

            Instant authorizedAt,
            Instant lastRefreshAt,
            Instant accessTokenExpiresAt,
            Instant createdAt) {
        static MailboxView of(Mailbox m) {
            return new MailboxView(
                    m.id(),
                    m.connectionId(),
                    m.address(),
                    m.ownerUserId().orElse(null),
                    new StatusView(
                            m.status(),
                            m.status().label(),
                            m.statusCode().orElse(null),
                            m.statusMessage().orElse(null),
                            m.status().advice().isEmpty() ? null : m.status().advice(),
                            m.status().needsSignIn(),
                            m.statusSince()),
                    m.signedInAs().orElse(null),
                    m.hasRefreshToken(),
                    m.authorizedAt().orElse(null),
                    m.lastRefreshAt().orElse(null),
                    m.accessExpiresAt().orElse(null),
                    m.createdAt());
        }
    }

    enum AuthorizeMode {
        /** A person must open authorizationUrl and sign in. */
        DELEGATED,
        /** Done: the app obtained its token. */
        APP_ONLY
    }

    @Schema(description = """
                    DELEGATED: open authorizationUrl in a browser and sign in as the mailbox before expiresAt; \
                    Microsoft returns to redirectUri (this server) and the mailbox becomes AUTHORIZED. \
                    APP_ONLY: the app's token was obtained; mailbox shows the new status.""")
    record AuthorizeResult(
            AuthorizeMode mode,
            String authorizationUrl,
            String state,
            Instant expiresAt,
            String redirectUri,
            String signedInAs,
            MailboxView mailbox) {}

    record RefreshView(boolean refreshed, MailboxStatus status, String message, MailboxView mailbox) {}

    record TestStepView(String name, ConnectionTester.StepStatus status, String message, String fix, String code) {}

    record TestReportView(UUID mailboxId, Instant at, boolean passed, List<TestStepView> steps) {
        static TestReportView of(ConnectionTester.TestReport r) {
            return new TestReportView(
                    r.mailboxId(),
                    r.at(),
                    r.passed(),
                    r.steps().stream()
                            .map(s -> new TestStepView(
                                    s.name(),
                                    s.status(),
                                    s.message(),
                                    s.fix().orElse(null),
                                    s.code().orElse(null)))
                            .toList());
        }
    }

    record HistoryView(
            long id,
            UUID connectionId,
            UUID mailboxId,
            Instant at,
            HistoryEvent.Kind kind,
            HistoryEvent.Outcome outcome,
            String code,
            String message,

            @Schema(description = "The full text Microsoft sent (AADSTS description, EWS MessageText)")
            String detail,

            String traceId,
            String correlationId) {
        static HistoryView of(HistoryEvent e) {
            return new HistoryView(
                    e.id(),
                    e.connectionId(),
                    e.mailboxId().orElse(null),
                    e.at(),
                    e.kind(),
                    e.outcome(),
                    e.code().orElse(null),
                    e.message(),
                    e.detail().orElse(null),
                    e.traceId().orElse(null),
                    e.correlationId().orElse(null));
        }
    }

    record FolderView(String id, String name, String path, int totalCount, int unreadCount) {}

    record FolderMappingView(FolderRole role, String roleLabel, String folderId, String folderName) {
        static FolderMappingView of(FolderMapping m) {
            return new FolderMappingView(m.role(), m.role().label(), m.folderId(), m.folderName());
        }
    }

    @Schema(description = "Folder ID (from the folder list) per role; roles left out or blank are unmapped.")
    record FolderMappingRequest(Map<FolderRole, String> folders) {}

    // ---- administration

    record UserRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String username,

            @Schema(
                    accessMode = Schema.AccessMode.WRITE_ONLY,
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    description = "At least 12 characters")
            String password,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            User.Role role,

            @Schema(description = "OWNER: the mailbox this person may authorize")
            String mailboxAddress) {}

    record UserView(
            UUID id, String username, User.Role role, String mailboxAddress, boolean disabled, Instant createdAt) {
        static UserView of(User u) {
            return new UserView(
                    u.id(), u.username(), u.role(), u.mailboxAddress().orElse(null), u.disabled(), u.createdAt());
        }
    }

    record ApiKeyRequest(
            @Schema(example = "ticketing system", requiredMode = Schema.RequiredMode.REQUIRED)
            String name,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            Set<ApiKey.Scope> scopes) {}

    record ApiKeyView(
            UUID id,
            String name,

            @Schema(description = "The key's first characters, to tell keys apart")
            String prefix,

            Set<ApiKey.Scope> scopes,
            String createdBy,
            Instant createdAt,
            Instant lastUsedAt,
            Instant revokedAt,
            boolean active) {
        static ApiKeyView of(ApiKey k) {
            return new ApiKeyView(
                    k.id(),
                    k.name(),
                    k.prefix(),
                    k.scopes(),
                    k.createdBy(),
                    k.createdAt(),
                    k.lastUsedAt().orElse(null),
                    k.revokedAt().orElse(null),
                    k.active());
        }
    }

    @Schema(description = "A new API key. `value` is shown this once: store it now, Mailbridge keeps only a hash.")
    record CreatedApiKey(ApiKeyView key, String value) {}

    record AuditView(long id, Instant at, String actor, String action, String target, String detail) {
        static AuditView of(AuditEntry a) {
            return new AuditView(
                    a.id(),
                    a.at(),
                    a.actor(),
                    a.action(),
                    a.target(),
                    a.detail().orElse(null));
        }
    }

    // ---- receiving and delivery

    @Schema(description = """
                    A delivery target. WEBHOOK: name, url, secret (optional: one is generated and shown once in the \
                    answer), eventTypes. RABBITMQ: name, uri (amqp[s]://user@host:port/vhost, no password), \
                    password, exchange (default "mailbridge"), routingKey (default: the event type). Secrets are \
                    write-only.""")
    record DeliveryTargetRequest(
            @Schema(example = "Help desk", requiredMode = Schema.RequiredMode.REQUIRED)
            String name,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            TargetKind kind,

            @Schema(description = "WEBHOOK: the URL events are POSTed to", example = "https://desk.example.com/hook")
            String url,

            @Schema(description = "RABBITMQ: the broker's URI without the password", example = "amqps://mb@mq:5671/%2F")
            String uri,

            @Schema(
                    accessMode = Schema.AccessMode.WRITE_ONLY,
                    description =
                            "WEBHOOK: the HMAC-SHA256 signing secret, at least 16 characters; generated when left out")
            String secret,

            @Schema(accessMode = Schema.AccessMode.WRITE_ONLY, description = "RABBITMQ: the broker password")
            String password,

            @Schema(description = "RABBITMQ: the exchange (default mailbridge)")
            String exchange,

            @Schema(description = "RABBITMQ: a fixed routing key (default: the event type, e.g. message.received)")
            String routingKey,

            @Schema(
                    description = "The events this target receives (wire names); empty or left out: all",
                    example = "[\"message.received\"]")
            Set<String> eventTypes) {}

    @Schema(
            description =
                    "A delivery target as stored. The secret or password is never returned; secretSet says whether one is.")
    record DeliveryTargetView(
            UUID id,
            String name,
            TargetKind kind,

            @Schema(description = "The webhook URL or the AMQP URI (no password)")
            String url,

            boolean secretSet,
            String exchange,
            String routingKey,
            List<String> eventTypes,
            boolean enabled,
            Instant createdAt) {
        static DeliveryTargetView of(DeliveryTarget t) {
            return new DeliveryTargetView(
                    t.id(),
                    t.name(),
                    t.kind(),
                    t.url(),
                    t.hasSecret(),
                    t.exchange().orElse(null),
                    t.routingKey().orElse(null),
                    t.eventTypes().stream().map(EventType::wireName).sorted().toList(),
                    t.enabled(),
                    t.createdAt());
        }
    }

    @Schema(description = """
                    A new delivery target. `generatedSecret` is the webhook signing secret Mailbridge made because \
                    none was given: shown this once, store it in the receiver now. Null when you gave one.""")
    record CreatedDeliveryTarget(DeliveryTargetView target, String generatedSecret) {}

    @Schema(description = "Whether the server receives this mailbox's mail; fields left out keep their value.")
    record ReceiveRequest(
            @Schema(description = "Poll the mailbox and deliver new mail")
            Boolean enabled,

            @Schema(
                    description =
                            "On the first pass, skip what is already in the folder: deliver only mail arriving from now")
            Boolean startFromNow,

            @Schema(
                    description = "What happens to the original once every target acknowledged its message.received "
                            + "event: NONE (default), MARK_READ, MOVE_TO_PROCESSED (needs a folder mapped to "
                            + "PROCESSED), DELETE (to Deleted Items). Whatever it is, an original whose event is "
                            + "dead is moved to the folder mapped to FAILED when there is one.")
            AfterDeliveryAction afterDelivery) {}

    record ReceiveView(
            UUID mailboxId,
            boolean enabled,
            boolean startFromNow,

            @Schema(
                    description =
                            "Enabled and the mailbox's sign-in works (AUTHORIZED or EXPIRING): the server receives its mail")
            boolean active,

            @Schema(description = "The action on the original once delivered (see the request)")
            AfterDeliveryAction afterDelivery,

            Instant updatedAt,

            @Schema(
                    description = "How the active mailbox hears of new mail now: STREAMING, PULL (streaming "
                            + "refused), GRAPH (Microsoft Graph change notifications) or POLL (only the poll "
                            + "interval); null when not active")
            NotificationMode notifications,

            @Schema(
                    description = "The same for people, with the reason for a fallback, e.g. \"Pull (streaming "
                            + "refused: ...)\"; null when not active")
            String notificationStatus) {}

    @Schema(description = "What one sync pass did.")
    record SyncResultView(
            UUID mailboxId,

            @Schema(description = "New messages handed to the pipeline (queued unless the rules skipped them)")
            int newMessages,

            @Schema(description = "Items seen again after a resync, not delivered twice")
            int alreadyReceived,

            int pages,

            @Schema(description = "Exchange refused the stored sync state and a full resync ran")
            boolean restarted) {}

    @Schema(description = "Delivery of a mailbox's events (over the outbox rows kept) and its last sync.")
    record DeliveriesView(
            UUID mailboxId,

            @Schema(description = "Waiting or in flight, retries included")
            long pending,

            @Schema(description = "Pending whose last attempt failed")
            long failing,

            long delivered,

            @Schema(description = "In the dead-letter list") long dead,

            Instant lastDeliveredAt,
            Instant lastSyncAt,

            @Schema(description = "Why the last sync pass failed; null once one succeeded again")
            String lastSyncError,

            @Schema(description = "Messages handed on by sync so far")
            long receivedCount) {}

    @Schema(description = "An event whose delivery gave up (attempts ran out, or the receiver answered 410).")
    record DeadLetterView(
            long id,
            String idempotencyKey,
            String eventType,
            UUID mailboxId,
            UUID targetId,
            Instant createdAt,
            int attempts,
            String lastError,
            Integer lastStatus) {
        static DeadLetterView of(OutboxEntry e) {
            return new DeadLetterView(
                    e.id(),
                    e.idempotencyKey(),
                    e.eventType().wireName(),
                    e.mailboxId().orElse(null),
                    e.targetId(),
                    e.createdAt(),
                    e.attempts(),
                    e.lastError().orElse(null),
                    e.lastStatus().orElse(null));
        }
    }
}
