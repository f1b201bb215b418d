package dev.mailbridge.core.store;

import dev.mailbridge.core.model.AuditEntry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Who changed what. Callers describe changes by field name, never by secret value. */
public final class AuditLog {
    private final Jdbc jdbc;
    private final Clock clock;

    AuditLog(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void record(String actor, String action, String target, String detail) {
        jdbc.update(
                "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?,?,?,?,?)",
                clock.instant(),
                actor,
                action,
                target,
                detail);
    }

    public List<AuditEntry> recent(int limit) {
        return jdbc.query(
                "SELECT id, at, actor, action, target, detail FROM audit_log ORDER BY id DESC FETCH FIRST " + limit
                        + " ROWS ONLY",
                rs -> new AuditEntry(
                        rs.getLong("id"),
                        Jdbc.instant(rs, "at"),
                        rs.getString("actor"),
                        rs.getString("action"),
                        rs.getString("target"),
                        Optional.ofNullable(rs.getString("detail"))));
    }
}
