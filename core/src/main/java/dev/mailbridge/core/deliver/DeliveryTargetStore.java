package dev.mailbridge.core.deliver;

import dev.mailbridge.core.store.Database;
import dev.mailbridge.core.store.Jdbc;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.identity.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** Delivery targets, their secrets sealed by the vault ({@code delivery_target/<id>/secret}). */
public final class DeliveryTargetStore {
    private static final String COLUMNS =
            "id, name, kind, url, secret_sealed, exchange_name, routing_key, event_types, enabled, created_at";

    private final Jdbc jdbc;
    private final Vault vault;
    private final Clock clock;

    public DeliveryTargetStore(Database database, Vault vault, Clock clock) {
        this.jdbc = database.jdbc();
        this.vault = vault;
        this.clock = clock;
    }

    /** What a target is made from; {@code secret} is the HMAC secret or the AMQP password. */
    public record Settings(
            String name,
            TargetKind kind,
            String url,
            Optional<Secret> secret,
            Optional<String> exchange,
            Optional<String> routingKey,
            Set<EventType> eventTypes) {

        public static Settings webhook(String name, String url, Secret secret) {
            return new Settings(
                    name, TargetKind.WEBHOOK, url, Optional.of(secret), Optional.empty(), Optional.empty(), Set.of());
        }

        /** {@code uri} like {@code amqp://guest@127.0.0.1:5672/%2F}; the password comes apart. */
        public static Settings rabbit(String name, String uri, Secret password, String exchange) {
            return new Settings(
                    name,
                    TargetKind.RABBITMQ,
                    uri,
                    Optional.ofNullable(password),
                    Optional.ofNullable(exchange),
                    Optional.empty(),
                    Set.of());
        }

        public Settings withEventTypes(Set<EventType> types) {
            return new Settings(name, kind, url, secret, exchange, routingKey, types);
        }

        public Settings withRoutingKey(String key) {
            return new Settings(name, kind, url, secret, exchange, Optional.ofNullable(key), eventTypes);
        }
    }

    public DeliveryTarget create(Settings s) {
        validate(s);
        UUID id = UUID.randomUUID();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        jdbc.update(
                "INSERT INTO delivery_target (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?)",
                id,
                s.name().strip(),
                s.kind(),
                s.url().strip(),
                s.secret().map(secret -> vault.seal(secret, DeliveryTarget.secretContext(id))),
                s.exchange(),
                s.routingKey(),
                s.eventTypes().isEmpty() ? null : joinTypes(s.eventTypes()),
                true,
                now);
        return get(id).orElseThrow();
    }

    public Optional<DeliveryTarget> get(UUID id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM delivery_target WHERE id=?", DeliveryTargetStore::map, id);
    }

    public List<DeliveryTarget> list() {
        return jdbc.query("SELECT " + COLUMNS + " FROM delivery_target ORDER BY name", DeliveryTargetStore::map);
    }

    public void setEnabled(UUID id, boolean enabled) {
        jdbc.update("UPDATE delivery_target SET enabled=? WHERE id=?", enabled, id);
    }

    /** Replaces the secret (a rotated webhook secret, a changed AMQP password). */
    public void setSecret(UUID id, Secret secret) {
        jdbc.update(
                "UPDATE delivery_target SET secret_sealed=? WHERE id=?",
                vault.seal(secret, DeliveryTarget.secretContext(id)),
                id);
    }

    /** Deletes the target and, with it, its outbox rows. */
    public void delete(UUID id) {
        jdbc.update("DELETE FROM delivery_target WHERE id=?", id);
    }

    /** The opened secret, for the deliverer that puts it on the wire. */
    public Optional<Secret> secret(UUID id) {
        return jdbc.one("SELECT secret_sealed FROM delivery_target WHERE id=?", rs -> rs.getString(1), id)
                .map(value -> vault.open(value, DeliveryTarget.secretContext(id)));
    }

    private static void validate(Settings s) {
        if (s.name() == null || s.name().isBlank()) {
            throw new IllegalArgumentException("Enter a name for the delivery target.");
        }
        URI uri;
        try {
            uri = new URI(s.url() == null ? "" : s.url().strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("The target URL is not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (s.kind()) {
            case WEBHOOK -> {
                if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
                    throw new IllegalArgumentException(
                            "A webhook URL starts with https:// (or http:// for a receiver on this network) and names a host.");
                }
                if (s.secret().isEmpty() || s.secret().get().reveal().length() < 16) {
                    throw new IllegalArgumentException(
                            "A webhook needs a signing secret of at least 16 characters (WebhookSignature.newSecret() makes one).");
                }
                if (uri.getUserInfo() != null) {
                    throw new IllegalArgumentException("Put no user name or password in the webhook URL.");
                }
            }
            case RABBITMQ -> {
                if (!scheme.equals("amqp") && !scheme.equals("amqps") || uri.getHost() == null) {
                    throw new IllegalArgumentException(
                            "A RabbitMQ URI looks like amqps://user@host:5671/vhost (amqp:// without TLS).");
                }
                if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
                    throw new IllegalArgumentException(
                            "Leave the password out of the RabbitMQ URI and enter it as the password, which is stored encrypted.");
                }
            }
        }
    }

    private static String joinTypes(Set<EventType> types) {
        return types.stream().map(EventType::wireName).sorted().collect(Collectors.joining(","));
    }

    private static DeliveryTarget map(ResultSet rs) throws SQLException {
        String types = rs.getString("event_types");
        Set<EventType> eventTypes = EnumSet.noneOf(EventType.class);
        if (types != null && !types.isBlank()) {
            Arrays.stream(types.split(","))
                    .map(String::strip)
                    .map(EventType::fromWireName)
                    .flatMap(Optional::stream)
                    .forEach(eventTypes::add);
        }
        return new DeliveryTarget(
                Jdbc.uuid(rs, "id"),
                rs.getString("name"),
                TargetKind.valueOf(rs.getString("kind")),
                rs.getString("url"),
                rs.getString("secret_sealed") != null,
                Jdbc.optString(rs, "exchange_name"),
                Jdbc.optString(rs, "routing_key"),
                Set.copyOf(eventTypes),
                rs.getBoolean("enabled"),
                Jdbc.instant(rs, "created_at"));
    }
}
