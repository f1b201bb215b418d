package dev.mailbridge.server.api;

import dev.mailbridge.core.connect.EwsRetirement;
import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.server.ReceiveScheduler;
import dev.mailbridge.server.ServerSettings;
import dev.mailbridge.server.api.ApiModels.CheckResult;
import dev.mailbridge.server.api.ApiModels.ConnectionRequest;
import dev.mailbridge.server.api.ApiModels.ConnectionView;
import dev.mailbridge.server.api.ApiModels.ConsentLink;
import dev.mailbridge.server.api.ApiModels.HistoryView;
import dev.mailbridge.server.api.ApiModels.NoticeView;
import dev.mailbridge.server.api.ApiModels.SwitchCheckView;
import dev.mailbridge.server.api.ApiModels.SwitchReportView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
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
@Tag(name = ApiDocs.CONNECTIONS)
class ConnectionsApi {
    static final int HISTORY_LIMIT = 500;
    private final MailboxServices services;
    private final Stores stores;
    private final ServerSettings settings;
    private final EwsRetirement ewsRetirement;

    private final ReceiveScheduler receiving;

    ConnectionsApi(
            MailboxServices services,
            ServerSettings settings,
            EwsRetirement ewsRetirement,
            ReceiveScheduler receiving) {
        this.receiving = receiving;
        this.services = services;
        this.stores = services.stores();
        this.settings = settings;
        this.ewsRetirement = ewsRetirement;
    }

    @GetMapping(path = "/api/v1/organisations/{organisationId}/connections", produces = "application/json")
    @Operation(summary = "List an organisation's connections")
    List<ConnectionView> list(@PathVariable UUID organisationId) {
        stores.organisations()
                .get(organisationId)
                .orElseThrow(() -> new NotFoundException("organisation", organisationId));
        return stores.connections().list(organisationId).stream()
                .map(this::view)
                .toList();
    }

    @PostMapping(
            path = "/api/v1/organisations/{organisationId}/connections",
            consumes = "application/json",
            produces = "application/json")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Create a connection",
            description = "Validated first: bad input gets 400 with one message per field, and nothing is created.")
    ConnectionView create(@PathVariable UUID organisationId, @RequestBody ConnectionRequest request) {
        return view(services.connections().create(organisationId, request.toSettings(), Actor.current()));
    }

    @PostMapping(path = "/api/v1/connections/check", consumes = "application/json", produces = "application/json")
    @Operation(
            summary = "Check connection settings without saving",
            description = "Give `existing` to check an edit of a stored connection (its stored secrets count).")
    CheckResult check(@RequestBody ConnectionRequest request, @RequestParam(required = false) UUID existing) {
        if (existing != null) {
            find(existing);
        }
        List<FieldError> errors = services.connections().check(request.toSettings(), Optional.ofNullable(existing));
        return new CheckResult(
                errors.isEmpty(),
                errors.stream()
                        .map(e -> new ApiProblems.ApiFieldError(e.field(), e.message()))
                        .toList());
    }

    @GetMapping(path = "/api/v1/connections", produces = "application/json")
    @Operation(summary = "List all connections")
    List<ConnectionView> all() {
        return stores.connections().all().stream().map(this::view).toList();
    }

    @GetMapping(path = "/api/v1/connections/{id}", produces = "application/json")
    @Operation(summary = "Get a connection (secrets are never returned)")
    ConnectionView get(@PathVariable UUID id) {
        return view(find(id));
    }

    @PutMapping(path = "/api/v1/connections/{id}", consumes = "application/json", produces = "application/json")
    @Operation(summary = "Change a connection", description = """
                    Replaces the settings; secrets left out keep their stored value. Changing the tenant, client, \
                    secret, certificate, cloud or sign-in mode discards the mailboxes' tokens and sets them to \
                    REAUTHORIZATION_REQUIRED.""")
    ConnectionView update(@PathVariable UUID id, @RequestBody ConnectionRequest request) {
        return view(services.connections().update(id, request.toSettings(), Actor.current()));
    }

    @DeleteMapping("/api/v1/connections/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a connection with its mailboxes and their tokens")
    void delete(@PathVariable UUID id) {
        services.connections().delete(id, Actor.current());
    }

    @GetMapping(path = "/api/v1/connections/{id}/history", produces = "application/json")
    @Operation(summary = "A connection's history, newest first (with its mailboxes' events)")
    List<HistoryView> history(@PathVariable UUID id, @RequestParam(defaultValue = "100") int limit) {
        find(id);
        return stores.history().ofConnection(id, clamp(limit)).stream()
                .map(HistoryView::of)
                .toList();
    }

    @GetMapping(path = "/api/v1/connections/{id}/consent-url", produces = "application/json")
    @Operation(
            summary = "The admin-consent link (app-only)",
            description = "A tenant administrator opens it to grant the app's application permissions.")
    ConsentLink consentUrl(@PathVariable UUID id) {
        find(id);
        URI redirect = URI.create(settings.redirectUri());
        return new ConsentLink(
                services.authorizations().adminConsentUrl(id, redirect).toString(), redirect.toString());
    }

    @GetMapping(path = "/api/v1/connections/{id}/switch-to-graph", produces = "application/json")
    @Operation(summary = "Check whether the connection can switch from EWS to Microsoft Graph", description = """
                    Changes nothing. Checks OAuth, the app's Graph permissions (Mail.ReadWrite, Mail.Send; the                     missing ones are named with where to add them), that every mailbox opens over Graph and that                     every mapped folder is found there by its path.""")
    SwitchCheckView checkSwitch(@PathVariable UUID id) {
        find(id);
        return SwitchCheckView.of(receiving.checkSwitchToGraph(id));
    }

    @PostMapping(path = "/api/v1/connections/{id}/switch-to-graph", produces = "application/json")
    @Operation(summary = "Switch the connection from EWS to Microsoft Graph", description = """
                    Runs the check first (400 with one message per problem, and nothing changes). Then, with                     receiving paused for its mailboxes: a last EWS pass, pending after-delivery actions applied,                     folder mappings moved to their Graph ids; receiving resumes over Graph from that point without                     delivering old messages again. Rules and receive settings stay; nobody has to authorize again.""")
    SwitchReportView switchToGraph(@PathVariable UUID id) {
        find(id);
        return SwitchReportView.of(receiving.switchToGraph(id, Actor.current()));
    }

    static int clamp(int limit) {
        return Math.max(1, Math.min(limit, HISTORY_LIMIT));
    }

    private Connection find(UUID id) {
        return stores.connections().get(id).orElseThrow(() -> new NotFoundException("connection", id));
    }

    private ConnectionView view(Connection c) {
        return ConnectionView.of(
                c,
                settings.redirectUri(),
                c.signInMode().oauth() ? services.connections().missingForAuthorize(c) : List.of(),
                ewsRetirement.notice(c).map(NoticeView::of).stream().toList());
    }
}
