package dev.mailbridge.server.security;

import dev.mailbridge.core.model.User;
import dev.mailbridge.core.store.Stores;
import java.util.List;
import java.util.Optional;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * The people who sign in to Mailbridge: admins and mailbox owners, with passwords hashed by Spring
 * Security's delegating encoder (bcrypt; the hash names its algorithm, so it can move on).
 */
@Service
public class UserAccounts implements UserDetailsService {
    private final Stores stores;
    private final PasswordEncoder encoder;

    public UserAccounts(Stores stores, PasswordEncoder encoder) {
        this.stores = stores;
        this.encoder = encoder;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        User u = stores.users()
                .byUsername(username)
                .filter(x -> x.passwordHash().isPresent())
                .orElseThrow(() -> new UsernameNotFoundException("no such user"));
        return org.springframework.security.core.userdetails.User.withUsername(u.username())
                .password(u.passwordHash().get())
                .disabled(u.disabled())
                .authorities(
                        List.of(new SimpleGrantedAuthority("ROLE_" + u.role().name())))
                .build();
    }

    public boolean noUsersYet() {
        return stores.users().count() == 0;
    }

    /** Adds a user; the password must be at least 12 characters. */
    public User create(String username, String password, User.Role role, Optional<String> mailbox, String actor) {
        if (username == null || username.isBlank()) {
            throw dev.mailbridge.core.connect.ValidationException.of("username", "Enter a user name.");
        }
        checkPassword(password);
        if (stores.users().byUsername(username).isPresent()) {
            throw dev.mailbridge.core.connect.ValidationException.of("username", "That user name is taken.");
        }
        User u = stores.users().create(username, Optional.of(encoder.encode(password)), role, mailbox);
        stores.audit().record(actor, "user.create", "user/" + u.id(), u.username() + " (" + role + ")");
        return u;
    }

    public static void checkPassword(String password) {
        if (password == null || password.length() < 12) {
            throw dev.mailbridge.core.connect.ValidationException.of(
                    "password", "Use at least 12 characters; a passphrase of a few words is easy to remember.");
        }
    }

    public Optional<User> byUsername(String username) {
        return stores.users().byUsername(username);
    }
}
