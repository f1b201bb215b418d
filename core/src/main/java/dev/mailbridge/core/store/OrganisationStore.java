package dev.mailbridge.core.store;

import dev.mailbridge.core.model.Organisation;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

public final class OrganisationStore {
    private final Jdbc jdbc;
    private final Clock clock;

    OrganisationStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Organisation create(String name) {
        UUID id = UUID.randomUUID();
        jdbc.update(
                "INSERT INTO organisation (id, name, created_at) VALUES (?,?,?)", id, name.strip(), clock.instant());
        return get(id).orElseThrow();
    }

    public Optional<Organisation> get(UUID id) {
        return jdbc.one("SELECT id, name, created_at FROM organisation WHERE id=?", OrganisationStore::map, id);
    }

    public List<Organisation> list() {
        return jdbc.query("SELECT id, name, created_at FROM organisation ORDER BY name", OrganisationStore::map);
    }

    public void rename(UUID id, String name) {
        if (jdbc.update("UPDATE organisation SET name=? WHERE id=?", name.strip(), id) == 0) {
            throw new NotFoundException("organisation", id);
        }
    }

    public void delete(UUID id) {
        jdbc.update("DELETE FROM organisation WHERE id=?", id);
    }

    private static Organisation map(ResultSet rs) throws SQLException {
        return new Organisation(Jdbc.uuid(rs, "id"), rs.getString("name"), Jdbc.instant(rs, "created_at"));
    }
}
