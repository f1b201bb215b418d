package dev.mailbridge.server.api;

import dev.mailbridge.core.connect.Authorizations;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.TokenKeeper;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.FolderRole;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.model.User;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.server.ServerSettings;
import dev.mailbridge.server.api.ApiModels.AuthorizeMode;
import dev.mailbridge.server.api.ApiModels.AuthorizeResult;
import dev.mailbridge.server.api.ApiModels.FolderMappingRequest;
import dev.mailbridge.server.api.ApiModels.FolderMappingView;
import dev.mailbridge.server.api.ApiModels.FolderView;
import dev.mailbridge.server.api.ApiModels.HistoryView;
import dev.mailbridge.server.api.ApiModels.MailboxRequest;
import dev.mailbridge.server.api.ApiModels.MailboxView;
import dev.mailbridge.server.api.ApiModels.RefreshView;
import dev.mailbridge.server.api.ApiModels.TestReportView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = ApiDocs.MAILBOXES)
class MailboxesApi {
    private final MailboxServices services;
    private final Stores stores;
    private final ServerSettings settings;

    MailboxesApi(MailboxServices services, ServerSettings settings) {
        this.services = services;
        this.stores = services.stores();
        this.settings = settings;
    }

    @GetMapping(path = "/api/v1/connections/{connectionId}/mailboxes", produces = "application/json")
    @Operation(summary = "List a connection's mailboxes with their status")
    List<MailboxView> list(@PathVariable UUID connectionId) {
        connection(connectionId);
        return stores.mailboxes().list(connectionId).stream()
                .map(MailboxView::of)
                .toList();
    }

    @PostMapping(
            path = "/api/v1/connections/{connectionId}/mailboxes",
            consumes = "application/json",
            produces = "application/json")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add a mailbox to a connection", description = "It starts as NOT_AUTHORIZED.")
    MailboxView add(@PathVariable UUID connectionId, @RequestBody MailboxRequest request) {
        Optional<UUID> owner = Optional.empty();
        if (request.ownerUsername() != null && !request.ownerUsername().isBlank()) {
            owner = Optional.of(stores.users()
                    .byUsername(request.ownerUsername().strip())
                    .map(User::id)
                    .orElseThrow(() -> ValidationException.of(
                            "ownerUsername", "There is no Mailbridge user with that name; create the user first.")));
        }
        return MailboxView.of(
                services.connections().addMailbox(connectionId, request.address(), owner, Actor.current()));
    }

    @GetMapping(path = "/api/v1/mailboxes", produces = "application/json")
    @Operation(summary = "List all mailboxes, optionally only those in one status")
    List<MailboxView> all(@RequestParam(required = false) MailboxStatus status) {
        return stores.mailboxes().all().stream()
                .filter(m -> status == null || m.status() == status)
                .map(MailboxView::of)
                .toList();
    }

    @GetMapping(path = "/api/v1/mailboxes/{id}", produces = "application/json")
    @Operation(summary = "Get a mailbox and its status (poll this after a delegated sign-in)")
    MailboxView get(@PathVariable UUID id) {
        return MailboxView.of(mailbox(id));
    }

    @DeleteMapping("/api/v1/mailboxes/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove a mailbox and its tokens")
    void remove(@PathVariable UUID id) {
        services.connections().removeMailbox(id, Actor.current());
    }

    @PostMapping(path = "/api/v1/mailboxes/{id}/authorize", produces = "application/json")
    @Operation(summary = "Authorize (or re-authorize) a mailbox", description = """
                    OAuth delegated: returns an authorizationUrl for the mailbox's owner to open in a browser; \
                    the sign-in must finish before expiresAt, then the mailbox is AUTHORIZED (poll GET \
                    /api/v1/mailboxes/{id}). OAuth app-only: obtains the app's token now and returns the \
                    mailbox. Basic: 409, there is nothing to authorize (use test). A failed sign-in at Microsoft \
                    gives 422 with the AADSTS code, the fix and the field to change.""")
    AuthorizeResult authorize(@PathVariable UUID id) {
        Mailbox m = mailbox(id);
        Connection c = connection(m.connectionId());
        if (!c.signInMode().oauth()) {
            throw new ApiProblems.Conflict(
                    "Basic sign-in has nothing to authorize; use POST /api/v1/mailboxes/" + id
                            + "/test to check the password.",
                    List.of());
        }
        List<String> missing = services.connections().missingForAuthorize(c);
        if (!missing.isEmpty()) {
            throw new ApiProblems.Conflict(
                    "The connection is not ready to authorize: fill in " + String.join(", ", missing) + ".", missing);
        }
        if (c.signInMode() == SignInMode.OAUTH_APP_ONLY) {
            Authorizations.Completed done = services.authorizations().authorizeAppOnly(id, Actor.current());
            return new AuthorizeResult(
                    AuthorizeMode.APP_ONLY, null, null, null, null, done.signedInAs(), MailboxView.of(mailbox(id)));
        }
        Authorizations.SignInRedirect r =
                services.authorizations().start(id, URI.create(settings.redirectUri()), Actor.current());
        return new AuthorizeResult(
                AuthorizeMode.DELEGATED,
                r.authorizationUrl().toString(),
                r.state(),
                r.expiresAt(),
                settings.redirectUri(),
                null,
                MailboxView.of(mailbox(id)));
    }

    /** The code to show; the sign-in completes in the background (poll the mailbox's status). */
    public record DeviceCodeResult(
            String userCode, String verificationUri, String message, java.time.Instant expiresAt) {}

    @PostMapping(path = "/api/v1/mailboxes/{id}/device-code", produces = "application/json")
    @Operation(
            summary = "Sign in with a device code (servers without a browser)",
            description = "For a delegated connection whose app is a public client (no secret or certificate; Allow "
                    + "public client flows in Entra). Returns the code the mailbox owner enters at verificationUri "
                    + "on any device; the mailbox becomes AUTHORIZED when they finish (poll GET "
                    + "/api/v1/mailboxes/{id}). 422 for a connection with a secret (use authorize).")
    DeviceCodeResult deviceCode(@PathVariable UUID id) {
        mailbox(id);
        Authorizations.DeviceCodeStart code = services.authorizations().startDeviceCode(id, Actor.current());
        return new DeviceCodeResult(
                code.userCode(), code.verificationUri().toString(), code.message(), code.expiresAt());
    }

    @PostMapping(path = "/api/v1/mailboxes/{id}/refresh", produces = "application/json")
    @Operation(
            summary = "Refresh the mailbox's token now",
            description =
                    "A failure is reported in the answer (refreshed: false) and the mailbox's status and history.")
    RefreshView refresh(@PathVariable UUID id) {
        mailbox(id);
        TokenKeeper.RefreshResult r = services.tokens().refresh(id);
        return new RefreshView(r.refreshed(), r.status(), r.message(), MailboxView.of(mailbox(id)));
    }

    @PostMapping(path = "/api/v1/mailboxes/{id}/test", produces = "application/json")
    @Operation(
            summary = "Test Connection",
            description =
                    "Runs the steps (settings, host, TLS, sign-in, mailbox access, send permission), each PASSED, "
                            + "FAILED with what to fix, or SKIPPED; the result is kept in the history.")
    TestReportView test(@PathVariable UUID id) {
        mailbox(id);
        return TestReportView.of(services.tester().test(id, Actor.current()));
    }

    @GetMapping(path = "/api/v1/mailboxes/{id}/history", produces = "application/json")
    @Operation(summary = "A mailbox's history, newest first")
    List<HistoryView> history(@PathVariable UUID id, @RequestParam(defaultValue = "100") int limit) {
        mailbox(id);
        return stores.history().ofMailbox(id, ConnectionsApi.clamp(limit)).stream()
                .map(HistoryView::of)
                .toList();
    }

    @GetMapping(path = "/api/v1/mailboxes/{id}/folders", produces = "application/json")
    @Operation(summary = "The mailbox's mail folders, read live from Exchange")
    List<FolderView> folders(@PathVariable UUID id) {
        mailbox(id);
        return services.folders().list(id).stream()
                .map(f -> new FolderView(f.id(), f.name(), f.path(), f.totalCount(), f.unreadCount()))
                .toList();
    }

    @GetMapping(path = "/api/v1/mailboxes/{id}/folder-mapping", produces = "application/json")
    @Operation(summary = "Which folder each role (INCOMING, PROCESSED, FAILED, SENT) uses")
    List<FolderMappingView> mapping(@PathVariable UUID id) {
        mailbox(id);
        return stores.mailboxes().folders(id).stream()
                .map(FolderMappingView::of)
                .toList();
    }

    @PutMapping(
            path = "/api/v1/mailboxes/{id}/folder-mapping",
            consumes = "application/json",
            produces = "application/json")
    @Operation(
            summary = "Map roles to folders",
            description = "Folder IDs come from the folder list; roles left out are unmapped. An unknown ID: 400.")
    List<FolderMappingView> map(@PathVariable UUID id, @RequestBody FolderMappingRequest request) {
        mailbox(id);
        Map<FolderRole, String> folders = new EnumMap<>(FolderRole.class);
        if (request.folders() != null) {
            request.folders().forEach((role, folder) -> {
                if (role != null) {
                    folders.put(role, folder);
                }
            });
        }
        return services.folders().map(id, folders, Actor.current()).stream()
                .map(FolderMappingView::of)
                .toList();
    }

    private Mailbox mailbox(UUID id) {
        return stores.mailboxes().get(id).orElseThrow(() -> new NotFoundException("mailbox", id));
    }

    private Connection connection(UUID id) {
        return stores.connections().get(id).orElseThrow(() -> new NotFoundException("connection", id));
    }
}
