package dev.mailbridge.core.vault;

import dev.mailbridge.core.store.Jdbc;
import java.util.List;
import java.util.UUID;

/**
 * Rotates the master key: every sealed value is opened with the key it was sealed with and sealed again
 * with the new active key, in one transaction; then the retired keys are dropped from the key file.
 * With keys from the environment, start once with the new key in {@code MAILBRIDGE_MASTER_KEY} and the
 * old one in {@code MAILBRIDGE_OLD_MASTER_KEYS}, run the rotation, then drop the old variable.
 */
public final class KeyRotation {
    /** Table, column, and how the vault context is formed from the row ID (see the stores). */
    private record SealedColumn(String table, String column, String contextPrefix, String contextSuffix) {}

    private static final List<SealedColumn> COLUMNS = List.of(
            new SealedColumn("connection", "client_secret_sealed", "connection/", "/client_secret"),
            new SealedColumn("connection", "certificate_sealed", "connection/", "/certificate"),
            new SealedColumn("connection", "password_sealed", "connection/", "/password"),
            new SealedColumn("connection", "proxy_password_sealed", "connection/", "/proxy_password"),
            new SealedColumn("mailbox", "refresh_token_sealed", "mailbox/", "/refresh_token"),
            new SealedColumn("delivery_target", "secret_sealed", "delivery_target/", "/secret"));

    public record Result(int resealed, String activeKeyId, List<String> retiredKeyIds) {}

    private KeyRotation() {}

    /** Seals everything with {@code vault}'s active key; returns how many values were sealed again. */
    public static Result reseal(Jdbc jdbc, Vault vault) {
        KeyRing ring = vault.ring();
        int count = jdbc.transaction(() -> {
            int n = 0;
            for (SealedColumn c : COLUMNS) {
                record Row(UUID id, String sealed) {}
                List<Row> rows = jdbc.query(
                        "SELECT id, " + c.column() + " FROM " + c.table() + " WHERE " + c.column() + " IS NOT NULL",
                        rs -> new Row(Jdbc.uuid(rs, "id"), rs.getString(2)));
                for (Row row : rows) {
                    if (!vault.needsResealing(row.sealed())) {
                        continue;
                    }
                    String context = c.contextPrefix() + row.id() + c.contextSuffix();
                    byte[] plain = vault.openBytes(row.sealed(), context);
                    try {
                        jdbc.update(
                                "UPDATE " + c.table() + " SET " + c.column() + "=? WHERE id=?",
                                vault.seal(plain, context),
                                row.id());
                    } finally {
                        java.util.Arrays.fill(plain, (byte) 0);
                    }
                    n++;
                }
            }
            return n;
        });
        List<String> retired =
                ring.ids().stream().filter(id -> !id.equals(ring.active().id())).toList();
        return new Result(count, ring.active().id(), retired);
    }

    /**
     * The whole rotation for a key file: a new key becomes active (written to the file first, so a
     * crash leaves every key needed), everything is sealed again, the old keys are dropped.
     */
    public static Result rotateKeyFile(Jdbc jdbc, Vault vault) {
        KeyRing next = vault.ring().withActive(KeyRing.newKey());
        next.save();
        vault.useRing(next);
        Result result = reseal(jdbc, vault);
        vault.useRing(next.retireOldKeys());
        return result;
    }
}
