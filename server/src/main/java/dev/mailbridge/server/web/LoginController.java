package dev.mailbridge.server.web;

import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.model.User;
import dev.mailbridge.server.security.UserAccounts;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The sign-in page, and the one-time setup of the first administrator. */
@Controller
class LoginController {
    private final UserAccounts users;

    LoginController(UserAccounts users) {
        this.users = users;
    }

    @GetMapping("/login")
    String login(
            @RequestParam(required = false) String error,
            @RequestParam(required = false) String signedOut,
            @RequestParam(required = false) Integer throttled,
            @RequestParam(required = false) String created,
            Model model) {
        if (users.noUsersYet()) {
            return "redirect:/setup";
        }
        model.addAttribute("error", error != null);
        model.addAttribute("signedOut", signedOut != null);
        model.addAttribute("throttled", throttled);
        model.addAttribute("created", created != null);
        return "login";
    }

    @GetMapping("/setup")
    String setup(Model model) {
        requireNoUsers();
        model.addAttribute("username", "admin");
        return "setup";
    }

    @PostMapping("/setup")
    String createFirstAdmin(
            @RequestParam String username,
            @RequestParam String password,
            @RequestParam String confirm,
            Model model,
            RedirectAttributes flash) {
        requireNoUsers();
        model.addAttribute("username", username);
        if (!password.equals(confirm)) {
            model.addAttribute("errors", java.util.Map.of("confirm", "The two passwords differ; type them again."));
            return "setup";
        }
        try {
            users.create(username.strip(), password, User.Role.ADMIN, Optional.empty(), "setup");
        } catch (ValidationException e) {
            model.addAttribute("errors", Pages.errors(e));
            return "setup";
        }
        return "redirect:/login?created";
    }

    private void requireNoUsers() {
        if (!users.noUsersYet()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
    }
}
