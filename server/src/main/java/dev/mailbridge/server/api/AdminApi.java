package dev.mailbridge.server.api;

import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.model.ApiKey;
import dev.mailbridge.core.model.User;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.server.api.ApiModels.ApiKeyRequest;
import dev.mailbridge.server.api.ApiModels.ApiKeyView;
import dev.mailbridge.server.api.ApiModels.AuditView;
import dev.mailbridge.server.api.ApiModels.CreatedApiKey;
import dev.mailbridge.server.api.ApiModels.UserRequest;
import dev.mailbridge.server.api.ApiModels.UserView;
import dev.mailbridge.server.security.ApiKeys;
import dev.mailbridge.server.security.UserAccounts;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
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

/** Users, API keys, the audit log and server settings: the ADMIN scope only (see SecurityConfig). */
@RestController
@Tag(name = ApiDocs.ADMIN)
class AdminApi {
    private final Stores stores;
    private final dev.mailbridge.server.ServerDefaults defaults;
    private final UserAccounts users;
    private final ApiKeys keys;

    AdminApi(Stores stores, UserAccounts users, ApiKeys keys, dev.mailbridge.server.ServerDefaults defaults) {
        this.defaults = defaults;
        this.stores = stores;
        this.users = users;
        this.keys = keys;
    }

    // ---- users

    @GetMapping(path = "/api/v1/users", produces = "application/json")
    @Operation(summary = "List the people who sign in to Mailbridge")
    List<UserView> users() {
        return stores.users().list().stream().map(UserView::of).toList();
    }

    @PostMapping(path = "/api/v1/users", consumes = "application/json", produces = "application/json")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Add a user",
            description = "ADMIN manages everything; OWNER sees and authorizes only their own mailbox.")
    UserView createUser(@RequestBody UserRequest request) {
        if (request.role() == null) {
            throw ValidationException.of("role", "Choose ADMIN or OWNER.");
        }
        Optional<String> mailbox = Optional.ofNullable(request.mailboxAddress())
                .filter(s -> !s.isBlank())
                .map(s -> s.strip().toLowerCase(Locale.ROOT));
        if (request.role() == User.Role.OWNER && mailbox.isEmpty()) {
            throw ValidationException.of("mailboxAddress", "A mailbox owner needs the address of their mailbox.");
        }
        return UserView.of(
                users.create(request.username(), request.password(), request.role(), mailbox, Actor.current()));
    }

    @GetMapping(path = "/api/v1/users/{id}", produces = "application/json")
    @Operation(summary = "Get a user")
    UserView user(@PathVariable UUID id) {
        return UserView.of(stores.users().get(id).orElseThrow(() -> new NotFoundException("user", id)));
    }

    @DeleteMapping("/api/v1/users/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove a user", description = "The last active admin cannot be removed (409).")
    void deleteUser(@PathVariable UUID id) {
        User u = stores.users().get(id).orElseThrow(() -> new NotFoundException("user", id));
        if (u.role() == User.Role.ADMIN && !u.disabled()) {
            long admins = stores.users().list().stream()
                    .filter(x -> x.role() == User.Role.ADMIN && !x.disabled())
                    .count();
            if (admins <= 1) {
                throw new ApiProblems.Conflict(
                        "This is the last admin; add another admin before removing it.", List.of());
            }
        }
        stores.users().delete(id);
        stores.audit().record(Actor.current(), "user.delete", "user/" + id, u.username());
    }

    // ---- API keys

    @GetMapping(path = "/api/v1/api-keys", produces = "application/json")
    @Operation(summary = "List API keys (never their values)")
    List<ApiKeyView> apiKeys() {
        return stores.apiKeys().list().stream().map(ApiKeyView::of).toList();
    }

    @PostMapping(path = "/api/v1/api-keys", consumes = "application/json", produces = "application/json")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Create an API key",
            description = "The answer holds the key's value: the only time it is shown. Mailbridge keeps a hash.")
    CreatedApiKey createApiKey(@RequestBody ApiKeyRequest request) {
        List<FieldError> errors = new ArrayList<>();
        if (request.name() == null || request.name().isBlank()) {
            errors.add(new FieldError("name", "Name the key after what uses it, for example \"ticketing system\"."));
        } else if (request.name().strip().length() > 100) {
            errors.add(new FieldError("name", "Use at most 100 characters."));
        }
        if (request.scopes() == null
                || request.scopes().isEmpty()
                || request.scopes().contains(null)) {
            errors.add(new FieldError("scopes", "Choose one or more of READ, WRITE and ADMIN."));
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        ApiKeys.Created created =
                keys.create(request.name().strip(), EnumSet.copyOf(request.scopes()), Actor.current());
        return new CreatedApiKey(ApiKeyView.of(created.key()), created.value());
    }

    @DeleteMapping("/api/v1/api-keys/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Revoke an API key", description = "It stops working at once.")
    void revokeApiKey(@PathVariable UUID id) {
        ApiKey k = stores.apiKeys().get(id).orElseThrow(() -> new NotFoundException("API key", id));
        stores.apiKeys().revoke(id);
        stores.audit().record(Actor.current(), "apikey.revoke", "apikey/" + id, k.name());
    }

    // ---- audit log and settings

    @GetMapping(path = "/api/v1/admin/audit", produces = "application/json")
    @Operation(summary = "The audit log of configuration changes, newest first")
    List<AuditView> audit(@RequestParam(defaultValue = "100") int limit) {
        return stores.audit().recent(Math.max(1, Math.min(limit, 1000))).stream()
                .map(AuditView::of)
                .toList();
    }

    @GetMapping(path = "/api/v1/admin/settings", produces = "application/json")
    @Operation(
            summary = "Server-wide settings",
            description =
                    "The defaults every connection builds on: proxy-host, proxy-port, no-proxy (comma-separated), "
                            + "trusted-ca-pem (PEM certificates added to the JDK's). The public base URL is configuration "
                            + "(mailbridge.public-base-url).")
    Map<String, String> settings() {
        return defaults.values();
    }

    @PutMapping(path = "/api/v1/admin/settings", consumes = "application/json", produces = "application/json")
    @Operation(
            summary = "Change server-wide settings",
            description = "Only the names given change; an empty value removes a setting. All or nothing: a bad value "
                    + "or an unknown name is refused field by field and nothing changes.")
    Map<String, String> putSettings(@RequestBody Map<String, String> changes) {
        defaults.update(changes, Actor.current());
        return settings();
    }
}
