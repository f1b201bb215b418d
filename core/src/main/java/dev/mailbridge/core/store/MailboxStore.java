package dev.mailbridge.core.store;

import dev.mailbridge.core.model.FolderMapping;
import dev.mailbridge.core.model.FolderRole;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.token.RefreshTokenStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Mailboxes, their sign-in status, sealed refresh tokens and folder mappings. */
public final class MailboxStore {
    private static final String COLUMNS = """
            id, connection_id, address, owner_user_id, status, status_code, status_message, status_since,
            refresh_token_sealed, signed_in_as, authorized_at, authorized_generation, last_refresh_at,
            access_expires_at, created_at""";

    private final Jdbc jdbc;
    private final Vault vault;
    private final Clock clock;

    MailboxStore(Jdbc jdbc, Vault vault, Clock clock) {
        this.jdbc = jdbc;
        this.vault = vault;
        this.clock = clock;
    }

    public Mailbox create(UUID connectionId, String address, Optional<UUID> owner) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        jdbc.update(
                "INSERT INTO mailbox (id, connection_id, address, owner_user_id, status, status_since, created_at) "
                        + "VALUES (?,?,?,?,?,?,?)",
                id,
                connectionId,
                address.strip().toLowerCase(java.util.Locale.ROOT),
                owner,
                MailboxStatus.NOT_AUTHORIZED,
                now,
                now);
        return get(id).orElseThrow();
    }

    public Optional<Mailbox> get(UUID id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM mailbox WHERE id=?", MailboxStore::map, id);
    }

    public List<Mailbox> list(UUID connectionId) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM mailbox WHERE connection_id=? ORDER BY address",
                MailboxStore::map,
                connectionId);
    }

    public List<Mailbox> all() {
        return jdbc.query("SELECT " + COLUMNS + " FROM mailbox ORDER BY address", MailboxStore::map);
    }

    public List<Mailbox> ownedBy(UUID userId) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM mailbox WHERE owner_user_id=? ORDER BY address",
                MailboxStore::map,
                userId);
    }

    public void delete(UUID id) {
        jdbc.update("DELETE FROM mailbox WHERE id=?", id);
    }

    public void setOwner(UUID id, Optional<UUID> owner) {
        jdbc.update("UPDATE mailbox SET owner_user_id=? WHERE id=?", owner, id);
    }

    /** Records a status; the "since" date moves only when the status itself changes. */
    public void setStatus(UUID id, MailboxStatus status, Optional<String> code, Optional<String> message) {
        jdbc.update(
                "UPDATE mailbox SET status_since = CASE WHEN status = ? THEN status_since ELSE ? END, "
                        + "status=?, status_code=?, status_message=? WHERE id=?",
                status,
                clock.instant(),
                status,
                code,
                message,
                id);
    }

    public void markAuthorized(UUID id, String signedInAs, int generation, Optional<Instant> accessExpiresAt) {
        Instant now = clock.instant();
        jdbc.update(
                "UPDATE mailbox SET signed_in_as=?, authorized_at=?, authorized_generation=?, last_refresh_at=?, "
                        + "access_expires_at=? WHERE id=?",
                signedInAs,
                now,
                generation,
                now,
                accessExpiresAt,
                id);
        setStatus(id, MailboxStatus.AUTHORIZED, Optional.empty(), Optional.empty());
    }

    public void markRefreshed(UUID id, Optional<Instant> accessExpiresAt) {
        jdbc.update(
                "UPDATE mailbox SET last_refresh_at=?, access_expires_at=? WHERE id=?",
                clock.instant(),
                accessExpiresAt,
                id);
    }

    /** Forgets the tokens (settings changed, or the user asked); the mailbox needs authorizing again. */
    public void clearTokens(UUID id, MailboxStatus status, String reason) {
        jdbc.update(
                "UPDATE mailbox SET refresh_token_sealed=NULL, access_expires_at=NULL, authorized_generation=NULL "
                        + "WHERE id=?",
                id);
        setStatus(id, status, Optional.empty(), Optional.of(reason));
    }

    static String tokenContext(UUID mailboxId) {
        return "mailbox/" + mailboxId + "/refresh_token";
    }

    /** The vault-backed store identity hands each rotated refresh token to; the key is the mailbox ID. */
    public RefreshTokenStore refreshTokens() {
        return new RefreshTokenStore() {
            @Override
            public Optional<Secret> load(String accountKey) {
                UUID id = UUID.fromString(accountKey);
                return jdbc.one("SELECT refresh_token_sealed FROM mailbox WHERE id=?", rs -> rs.getString(1), id)
                        .map(value -> vault.open(value, tokenContext(id)));
            }

            @Override
            public void save(String accountKey, Secret refreshToken) {
                UUID id = UUID.fromString(accountKey);
                jdbc.update(
                        "UPDATE mailbox SET refresh_token_sealed=? WHERE id=?",
                        vault.seal(refreshToken, tokenContext(id)),
                        id);
            }
        };
    }

    public List<FolderMapping> folders(UUID mailboxId) {
        return jdbc.query(
                "SELECT role, folder_id, folder_name FROM folder_mapping WHERE mailbox_id=? ORDER BY role",
                rs -> new FolderMapping(FolderRole.valueOf(rs.getString(1)), rs.getString(2), rs.getString(3)),
                mailboxId);
    }

    /** Replaces the mailbox's mapping with {@code mappings} (roles left out are unmapped). */
    public void mapFolders(UUID mailboxId, List<FolderMapping> mappings) {
        jdbc.transaction(() -> {
            jdbc.update("DELETE FROM folder_mapping WHERE mailbox_id=?", mailboxId);
            for (FolderMapping m : mappings) {
                jdbc.update(
                        "INSERT INTO folder_mapping (mailbox_id, role, folder_id, folder_name) VALUES (?,?,?,?)",
                        mailboxId,
                        m.role(),
                        m.folderId(),
                        m.folderName());
            }
            return null;
        });
    }

    private static Mailbox map(ResultSet rs) throws SQLException {
        return new Mailbox(
                Jdbc.uuid(rs, "id"),
                Jdbc.uuid(rs, "connection_id"),
                rs.getString("address"),
                Optional.ofNullable(Jdbc.uuid(rs, "owner_user_id")),
                MailboxStatus.valueOf(rs.getString("status")),
                Jdbc.optString(rs, "status_code"),
                Jdbc.optString(rs, "status_message"),
                Jdbc.instant(rs, "status_since"),
                rs.getString("refresh_token_sealed") != null,
                Jdbc.optString(rs, "signed_in_as"),
                Jdbc.optInstant(rs, "authorized_at"),
                Jdbc.optInt(rs, "authorized_generation"),
                Jdbc.optInstant(rs, "last_refresh_at"),
                Jdbc.optInstant(rs, "access_expires_at"),
                Jdbc.instant(rs, "created_at"));
    }
}
