package dev.mailbridge.core.store;

import dev.mailbridge.core.model.User;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

public final class UserStore {
    private static final String COLUMNS = "id, username, password_hash, role, mailbox_address, disabled, created_at";
    private final Jdbc jdbc;
    private final Clock clock;

    UserStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public User create(String username, Optional<String> passwordHash, User.Role role, Optional<String> mailbox) {
        UUID id = UUID.randomUUID();
        jdbc.update(
                "INSERT INTO app_user (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?)",
                id,
                normalise(username),
                passwordHash,
                role,
                mailbox.map(UserStore::normalise),
                false,
                clock.instant());
        return get(id).orElseThrow();
    }

    static String normalise(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    public Optional<User> get(UUID id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM app_user WHERE id=?", UserStore::map, id);
    }

    public Optional<User> byUsername(String username) {
        return jdbc.one("SELECT " + COLUMNS + " FROM app_user WHERE username=?", UserStore::map, normalise(username));
    }

    public List<User> list() {
        return jdbc.query("SELECT " + COLUMNS + " FROM app_user ORDER BY username", UserStore::map);
    }

    public long count() {
        return jdbc.count("SELECT COUNT(*) FROM app_user");
    }

    public void setPasswordHash(UUID id, String hash) {
        jdbc.update("UPDATE app_user SET password_hash=? WHERE id=?", hash, id);
    }

    public void setDisabled(UUID id, boolean disabled) {
        jdbc.update("UPDATE app_user SET disabled=? WHERE id=?", disabled, id);
    }

    public void delete(UUID id) {
        jdbc.update("DELETE FROM app_user WHERE id=?", id);
    }

    private static User map(ResultSet rs) throws SQLException {
        return new User(
                Jdbc.uuid(rs, "id"),
                rs.getString("username"),
                Jdbc.optString(rs, "password_hash"),
                User.Role.valueOf(rs.getString("role")),
                Jdbc.optString(rs, "mailbox_address"),
                rs.getBoolean("disabled"),
                Jdbc.instant(rs, "created_at"));
    }
}
