package dev.mailbridge.core.store;

import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.ConnectionSecrets;
import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.HostMode;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.cloud.Cloud;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Connections, with their secrets sealed by the vault under {@code connection/<id>/<column>}. */
public final class ConnectionStore {
    private static final String COLUMNS = """
            id, organisation_id, name, transport, sign_in_mode, cloud, host_mode, ews_url, graph_url, approved_hosts,
            login_authority, tenant_id, client_id, client_secret_sealed, certificate_sealed,
            certificate_expires_at, username, password_sealed, proxy_host, proxy_port, proxy_username,
            proxy_password_sealed, no_proxy, trusted_ca_pem, settings_generation, created_at, updated_at""";

    private final Jdbc jdbc;
    private final Vault vault;
    private final Clock clock;

    ConnectionStore(Jdbc jdbc, Vault vault, Clock clock) {
        this.jdbc = jdbc;
        this.vault = vault;
        this.clock = clock;
    }

    public Connection create(UUID organisationId, ConnectionSettings s, Optional<Instant> certificateExpiresAt) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        jdbc.update(
                "INSERT INTO connection (" + COLUMNS
                        + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                id,
                organisationId,
                s.name(),
                s.transport(),
                s.signInMode(),
                s.cloud(),
                s.hostMode(),
                s.ewsUrl(),
                s.graphUrl(),
                s.approvedHosts(),
                s.loginAuthority(),
                s.tenantId(),
                s.clientId(),
                seal(id, "client_secret", s.clientSecret()),
                seal(id, "certificate", s.certificatePem()),
                certificateExpiresAt,
                s.username(),
                seal(id, "password", s.password()),
                s.proxyHost(),
                s.proxyPort(),
                s.proxyUsername(),
                seal(id, "proxy_password", s.proxyPassword()),
                s.noProxy(),
                s.trustedCaPem(),
                1,
                now,
                now);
        return get(id).orElseThrow();
    }

    /**
     * Saves new settings. Returns true when something tokens depend on changed (mode, cloud, sign-in
     * host, tenant, client, secret, certificate, transport): the generation moves on and mailboxes
     * authorized under the old one need authorizing again.
     */
    public boolean update(UUID id, ConnectionSettings s, Optional<Instant> certificateExpiresAt) {
        return jdbc.transaction(() -> {
            Connection old = get(id).orElseThrow(() -> new NotFoundException("connection", id));
            // Sending the stored secret again (an API client replaying a whole object) changes nothing.
            ConnectionSecrets stored = secrets(id);
            boolean secretChanged = differs(s.clientSecret(), stored.clientSecret())
                    || differs(s.certificatePem(), stored.certificatePem());
            boolean tokensAffected = secretChanged
                    || old.signInMode() != s.signInMode()
                    || old.transport() != s.transport()
                    || old.cloud() != s.cloud()
                    || !old.loginAuthority().equals(s.loginAuthority())
                    || !old.tenantId().equals(s.tenantId())
                    || !old.clientId().equals(s.clientId());
            int generation = old.settingsGeneration() + (tokensAffected ? 1 : 0);
            jdbc.update(
                    """
                    UPDATE connection SET name=?, transport=?, sign_in_mode=?, cloud=?, host_mode=?, ews_url=?, graph_url=?,
                    approved_hosts=?, login_authority=?, tenant_id=?, client_id=?, username=?, proxy_host=?,
                    proxy_port=?, proxy_username=?, no_proxy=?, trusted_ca_pem=?, settings_generation=?, updated_at=?
                    WHERE id=?""",
                    s.name(),
                    s.transport(),
                    s.signInMode(),
                    s.cloud(),
                    s.hostMode(),
                    s.ewsUrl(),
                    s.graphUrl(),
                    s.approvedHosts(),
                    s.loginAuthority(),
                    s.tenantId(),
                    s.clientId(),
                    s.username(),
                    s.proxyHost(),
                    s.proxyPort(),
                    s.proxyUsername(),
                    s.noProxy(),
                    s.trustedCaPem(),
                    generation,
                    clock.instant(),
                    id);
            replaceSecret(id, "client_secret", s.clientSecret());
            if (s.certificatePem().isPresent()) {
                replaceSecret(id, "certificate", s.certificatePem());
                jdbc.update("UPDATE connection SET certificate_expires_at=? WHERE id=?", certificateExpiresAt, id);
            }
            replaceSecret(id, "password", s.password());
            replaceSecret(id, "proxy_password", s.proxyPassword());
            return tokensAffected;
        });
    }

    private static boolean differs(Optional<Secret> given, Optional<Secret> stored) {
        if (given.isEmpty()) {
            return false;
        }
        if (given.get().isEmpty()) {
            return stored.isPresent();
        }
        return stored.isEmpty() || !stored.get().sameAs(given.get().reveal());
    }

    private void replaceSecret(UUID id, String column, Optional<Secret> value) {
        if (value.isPresent()) {
            jdbc.update("UPDATE connection SET " + column + "_sealed=? WHERE id=?", seal(id, column, value), id);
        }
    }

    private String seal(UUID id, String column, Optional<Secret> value) {
        return value.filter(v -> !v.isEmpty())
                .map(v -> vault.seal(v, context(id, column)))
                .orElse(null);
    }

    static String context(UUID id, String column) {
        return "connection/" + id + "/" + column;
    }

    /**
     * Moves the connection to another transport keeping its settings generation: the same app registration
     * and the same grants (a refresh token serves Graph as well as EWS), so nobody has to authorize again.
     * Only the switch to Graph calls this, after checking the Graph permissions.
     */
    public boolean switchTransport(UUID id, Transport transport) {
        return jdbc.update(
                        "UPDATE connection SET transport=?, updated_at=? WHERE id=?",
                        transport.name(),
                        clock.instant(),
                        id)
                > 0;
    }

    public Optional<Connection> get(UUID id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM connection WHERE id=?", ConnectionStore::map, id);
    }

    public List<Connection> list(UUID organisationId) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM connection WHERE organisation_id=? ORDER BY name",
                ConnectionStore::map,
                organisationId);
    }

    public List<Connection> all() {
        return jdbc.query("SELECT " + COLUMNS + " FROM connection ORDER BY name", ConnectionStore::map);
    }

    public void delete(UUID id) {
        jdbc.update("DELETE FROM connection WHERE id=?", id);
    }

    /** Opens the connection's secrets; only sign-in code calls this. */
    public ConnectionSecrets secrets(UUID id) {
        return jdbc.one(
                        "SELECT client_secret_sealed, certificate_sealed, password_sealed, proxy_password_sealed "
                                + "FROM connection WHERE id=?",
                        rs -> new ConnectionSecrets(
                                open(id, "client_secret", rs.getString(1)),
                                open(id, "certificate", rs.getString(2)),
                                open(id, "password", rs.getString(3)),
                                open(id, "proxy_password", rs.getString(4))),
                        id)
                .orElseThrow(() -> new NotFoundException("connection", id));
    }

    private Optional<Secret> open(UUID id, String column, String sealed) {
        return sealed == null ? Optional.empty() : Optional.of(vault.open(sealed, context(id, column)));
    }

    private static Connection map(ResultSet rs) throws SQLException {
        return new Connection(
                Jdbc.uuid(rs, "id"),
                Jdbc.uuid(rs, "organisation_id"),
                rs.getString("name"),
                Transport.valueOf(rs.getString("transport")),
                SignInMode.valueOf(rs.getString("sign_in_mode")),
                Cloud.valueOf(rs.getString("cloud")),
                HostMode.valueOf(rs.getString("host_mode")),
                Jdbc.optString(rs, "ews_url"),
                Jdbc.optString(rs, "graph_url"),
                Jdbc.optString(rs, "approved_hosts"),
                Jdbc.optString(rs, "login_authority"),
                Jdbc.optString(rs, "tenant_id"),
                Jdbc.optString(rs, "client_id"),
                rs.getString("client_secret_sealed") != null,
                rs.getString("certificate_sealed") != null,
                Jdbc.optInstant(rs, "certificate_expires_at"),
                Jdbc.optString(rs, "username"),
                rs.getString("password_sealed") != null,
                Jdbc.optString(rs, "proxy_host"),
                Jdbc.optInt(rs, "proxy_port"),
                Jdbc.optString(rs, "proxy_username"),
                rs.getString("proxy_password_sealed") != null,
                Jdbc.optString(rs, "no_proxy"),
                Jdbc.optString(rs, "trusted_ca_pem"),
                rs.getInt("settings_generation"),
                Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "updated_at"));
    }
}
