package dev.mailbridge.core.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Server-wide settings (public base URL, default proxy, trusted CAs) as name/value pairs. */
public final class SettingsStore {
    private final Jdbc jdbc;

    SettingsStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<String> get(String name) {
        return jdbc.one("SELECT setting_value FROM setting WHERE name=?", rs -> rs.getString(1), name);
    }

    public void put(String name, String value) {
        jdbc.transaction(() -> {
            if (value == null || value.isBlank()) {
                jdbc.update("DELETE FROM setting WHERE name=?", name);
            } else if (jdbc.update("UPDATE setting SET setting_value=? WHERE name=?", value.strip(), name) == 0) {
                jdbc.update("INSERT INTO setting (name, setting_value) VALUES (?,?)", name, value.strip());
            }
            return null;
        });
    }

    public Map<String, String> all() {
        Map<String, String> out = new LinkedHashMap<>();
        jdbc.query(
                "SELECT name, setting_value FROM setting ORDER BY name",
                rs -> out.put(rs.getString(1), rs.getString(2)));
        return out;
    }
}
