package dev.mailbridge.core.sync;

import dev.mailbridge.core.store.Database;
import dev.mailbridge.core.store.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Per mailbox: whether the server receives its mail (polls it and hands new messages on), and whether
 * the first pass starts from now (what is already in the folder is recorded, not delivered), and what
 * happens to the original once delivered ({@link AfterDeliveryAction}). A mailbox without a row does not
 * receive.
 */
public final class ReceiveSettings {
    /** One mailbox's receive settings. */
    public record Setting(
            UUID mailboxId,
            boolean enabled,
            boolean startFromNow,
            AfterDeliveryAction afterDelivery,
            Instant updatedAt) {}

    private static final String COLUMNS = "mailbox_id, enabled, start_from_now, after_delivery, updated_at";

    private final Jdbc jdbc;
    private final Clock clock;

    public ReceiveSettings(Database database, Clock clock) {
        this.jdbc = database.jdbc();
        this.clock = clock;
    }

    public Optional<Setting> get(UUID mailboxId) {
        return jdbc.one(
                "SELECT " + COLUMNS + " FROM mailbox_receive WHERE mailbox_id=?", ReceiveSettings::map, mailboxId);
    }

    /**
     * Stores the switch and "start from now" (creating or replacing them; the after-delivery action is kept,
     * {@link AfterDeliveryAction#NONE} for a new row) and returns the settings as stored.
     */
    public Setting put(UUID mailboxId, boolean enabled, boolean startFromNow) {
        return put(
                mailboxId,
                enabled,
                startFromNow,
                get(mailboxId).map(Setting::afterDelivery).orElse(AfterDeliveryAction.NONE));
    }

    /** Stores the settings (creating or replacing them) and returns them as stored. */
    public Setting put(UUID mailboxId, boolean enabled, boolean startFromNow, AfterDeliveryAction afterDelivery) {
        java.util.Objects.requireNonNull(afterDelivery, "afterDelivery");
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return jdbc.transaction(() -> {
            if (jdbc.update(
                            "UPDATE mailbox_receive SET enabled=?, start_from_now=?, after_delivery=?, updated_at=? "
                                    + "WHERE mailbox_id=?",
                            enabled,
                            startFromNow,
                            afterDelivery.name(),
                            now,
                            mailboxId)
                    == 0) {
                jdbc.update(
                        "INSERT INTO mailbox_receive (mailbox_id, enabled, start_from_now, after_delivery, updated_at) "
                                + "VALUES (?,?,?,?,?)",
                        mailboxId,
                        enabled,
                        startFromNow,
                        afterDelivery.name(),
                        now);
            }
            return get(mailboxId).orElseThrow();
        });
    }

    /** The mailboxes that receive, oldest setting first. */
    public List<Setting> listEnabled() {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM mailbox_receive WHERE enabled=TRUE " + "ORDER BY updated_at, mailbox_id",
                ReceiveSettings::map);
    }

    private static Setting map(ResultSet rs) throws SQLException {
        return new Setting(
                Jdbc.uuid(rs, "mailbox_id"),
                rs.getBoolean("enabled"),
                rs.getBoolean("start_from_now"),
                action(rs.getString("after_delivery")),
                Jdbc.instant(rs, "updated_at"));
    }

    private static AfterDeliveryAction action(String stored) {
        try {
            return stored == null ? AfterDeliveryAction.NONE : AfterDeliveryAction.valueOf(stored);
        } catch (IllegalArgumentException e) {
            return AfterDeliveryAction.NONE; // written by a newer version: do nothing rather than guess
        }
    }
}
