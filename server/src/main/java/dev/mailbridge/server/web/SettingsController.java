package dev.mailbridge.server.web;

import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.model.ApiKey;
import dev.mailbridge.core.model.User;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.server.ServerDefaults;
import dev.mailbridge.server.ServerSettings;
import dev.mailbridge.server.security.ApiKeys;
import dev.mailbridge.server.security.UserAccounts;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Server settings, users, API keys and the audit log. Admins only (see SecurityConfig). */
@Controller
class SettingsController {
    private final Stores stores;
    private final ServerSettings settings;
    private final ServerDefaults defaults;
    private final UserAccounts users;
    private final ApiKeys apiKeys;

    SettingsController(
            Stores stores, ServerSettings settings, UserAccounts users, ApiKeys apiKeys, ServerDefaults defaults) {
        this.defaults = defaults;
        this.stores = stores;
        this.settings = settings;
        this.users = users;
        this.apiKeys = apiKeys;
    }

    @GetMapping("/settings")
    String overview(Model model) {
        model.addAttribute("settings", settings);
        model.addAttribute("database", stores.database().product());
        if (!model.containsAttribute("defaults")) {
            model.addAttribute("defaults", defaults.values());
        }
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", Map.of());
        }
        return "settings";
    }

    @PostMapping("/settings")
    String saveDefaults(
            @org.springframework.web.bind.annotation.RequestParam Map<String, String> form,
            Model model,
            RedirectAttributes flash) {
        Map<String, String> changes = new java.util.LinkedHashMap<>();
        for (String name : ServerDefaults.NAMES) {
            changes.put(name, form.getOrDefault(name, ""));
        }
        try {
            defaults.update(changes, Pages.actor());
        } catch (dev.mailbridge.core.connect.ValidationException e) {
            model.addAttribute("defaults", changes);
            Map<String, String> errors = new java.util.HashMap<>();
            e.errors().forEach(f -> errors.putIfAbsent(f.field(), f.message()));
            model.addAttribute("errors", errors);
            model.addAttribute(
                    "notice", Pages.Notice.error("The settings were not saved.", "Fix the fields marked below."));
            return overview(model);
        }
        flash.addFlashAttribute(
                "notice", Pages.Notice.ok("Settings saved; they apply to every connection from now on."));
        return "redirect:/settings";
    }

    @GetMapping("/settings/users")
    String users(Model model) {
        model.addAttribute("users", stores.users().list());
        model.addAttribute("roles", User.Role.values());
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", Map.of());
        }
        return "users";
    }

    @PostMapping("/settings/users")
    String createUser(
            @RequestParam String username,
            @RequestParam String password,
            @RequestParam User.Role role,
            @RequestParam(required = false) String mailbox,
            Model model,
            RedirectAttributes flash) {
        try {
            Optional<String> address =
                    mailbox == null || mailbox.isBlank() ? Optional.empty() : Optional.of(mailbox.strip());
            if (role == User.Role.OWNER && address.isEmpty()) {
                throw ValidationException.of("mailbox", "A mailbox owner needs the address of their mailbox.");
            }
            User u = users.create(username.strip(), password, role, address, Pages.actor());
            flash.addFlashAttribute("notice", Pages.Notice.ok("User " + u.username() + " created."));
            return "redirect:/settings/users";
        } catch (ValidationException e) {
            model.addAttribute("errors", Pages.errors(e));
            model.addAttribute("newUsername", username);
            model.addAttribute("newMailbox", mailbox);
            model.addAttribute("newRole", role);
            return users(model);
        }
    }

    @PostMapping("/settings/users/{id}/disable")
    String toggleUser(@PathVariable UUID id, @RequestParam boolean disabled, RedirectAttributes flash) {
        User u = stores.users().get(id).orElseThrow(() -> new dev.mailbridge.core.store.NotFoundException("user", id));
        if (u.username().equals(Pages.actor())) {
            flash.addFlashAttribute("notice", Pages.Notice.error("You cannot disable yourself.", "Ask another admin."));
            return "redirect:/settings/users";
        }
        stores.users().setDisabled(id, disabled);
        stores.audit().record(Pages.actor(), disabled ? "user.disable" : "user.enable", "user/" + id, u.username());
        flash.addFlashAttribute(
                "notice", Pages.Notice.ok("User " + u.username() + (disabled ? " disabled." : " enabled.")));
        return "redirect:/settings/users";
    }

    @GetMapping("/settings/api-keys")
    String apiKeys(Model model) {
        model.addAttribute("keys", stores.apiKeys().list());
        model.addAttribute("scopes", ApiKey.Scope.values());
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", Map.of());
        }
        return "api-keys";
    }

    @PostMapping("/settings/api-keys")
    String createKey(
            @RequestParam String name,
            @RequestParam(required = false) List<ApiKey.Scope> scopes,
            Model model,
            RedirectAttributes flash) {
        if (name == null || name.isBlank()) {
            model.addAttribute("errors", Map.of("name", "Name the key after what uses it, e.g. \"CI pipeline\"."));
            return apiKeys(model);
        }
        if (scopes == null || scopes.isEmpty()) {
            model.addAttribute("errors", Map.of("scopes", "Choose at least one scope."));
            model.addAttribute("newName", name);
            return apiKeys(model);
        }
        Set<ApiKey.Scope> set = EnumSet.copyOf(scopes);
        ApiKeys.Created created = apiKeys.create(name.strip(), set, Pages.actor());
        // The key itself is shown once, on this response only; it is not stored and not redirected.
        model.addAttribute("createdKey", created.value());
        model.addAttribute("createdName", created.key().name());
        return apiKeys(model);
    }

    @PostMapping("/settings/api-keys/{id}/revoke")
    String revokeKey(@PathVariable UUID id, RedirectAttributes flash) {
        ApiKey k = stores.apiKeys()
                .get(id)
                .orElseThrow(() -> new dev.mailbridge.core.store.NotFoundException("API key", id));
        stores.apiKeys().revoke(id);
        stores.audit().record(Pages.actor(), "apikey.revoke", "apikey/" + id, k.name());
        flash.addFlashAttribute("notice", Pages.Notice.ok("API key \"" + k.name() + "\" revoked."));
        return "redirect:/settings/api-keys";
    }

    @GetMapping("/settings/audit")
    String audit(Model model) {
        model.addAttribute("entries", stores.audit().recent(200));
        return "audit";
    }
}
