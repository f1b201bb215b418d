package dev.mailbridge.core.store;

import dev.mailbridge.core.model.ApiKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** API keys by their public prefix; the stored hash is checked by the server, the key itself is never kept. */
public final class ApiKeyStore {
    private static final String COLUMNS =
            "id, name, prefix, key_hash, scopes, created_by, created_at, last_used_at, revoked_at";
    private final Jdbc jdbc;
    private final Clock clock;

    ApiKeyStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public ApiKey create(String name, String prefix, String keyHash, Set<ApiKey.Scope> scopes, String createdBy) {
        UUID id = UUID.randomUUID();
        jdbc.update(
                "INSERT INTO api_key (id, name, prefix, key_hash, scopes, created_by, created_at) VALUES (?,?,?,?,?,?,?)",
                id,
                name.strip(),
                prefix,
                keyHash,
                scopes.stream().map(Enum::name).sorted().collect(Collectors.joining(",")),
                createdBy,
                clock.instant());
        return get(id).orElseThrow();
    }

    public Optional<ApiKey> get(UUID id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM api_key WHERE id=?", ApiKeyStore::map, id);
    }

    public Optional<ApiKey> byPrefix(String prefix) {
        return jdbc.one("SELECT " + COLUMNS + " FROM api_key WHERE prefix=?", ApiKeyStore::map, prefix);
    }

    public List<ApiKey> list() {
        return jdbc.query("SELECT " + COLUMNS + " FROM api_key ORDER BY created_at", ApiKeyStore::map);
    }

    public void touch(UUID id) {
        jdbc.update("UPDATE api_key SET last_used_at=? WHERE id=?", clock.instant(), id);
    }

    public void revoke(UUID id) {
        jdbc.update("UPDATE api_key SET revoked_at=? WHERE id=? AND revoked_at IS NULL", clock.instant(), id);
    }

    private static ApiKey map(ResultSet rs) throws SQLException {
        Set<ApiKey.Scope> scopes = EnumSet.noneOf(ApiKey.Scope.class);
        Arrays.stream(rs.getString("scopes").split(","))
                .filter(s -> !s.isBlank())
                .forEach(s -> scopes.add(ApiKey.Scope.valueOf(s)));
        return new ApiKey(
                Jdbc.uuid(rs, "id"),
                rs.getString("name"),
                rs.getString("prefix"),
                rs.getString("key_hash"),
                scopes,
                rs.getString("created_by"),
                Jdbc.instant(rs, "created_at"),
                Jdbc.optInstant(rs, "last_used_at"),
                Jdbc.optInstant(rs, "revoked_at"));
    }
}
