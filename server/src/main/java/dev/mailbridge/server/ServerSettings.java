package dev.mailbridge.server;

import dev.mailbridge.core.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The server's settings ({@code mailbridge.*} in application.yaml, or {@code MAILBRIDGE_*} environment
 * variables). Everything has a default that runs on a laptop: data under {@code .mailbridge/server},
 * an embedded H2 database there, the master key in a key file beside it.
 *
 * @param dataDir where the embedded database and the key file live
 * @param databaseUrl a JDBC URL; empty for the embedded H2 database, {@code jdbc:postgresql://...} for
 *     PostgreSQL
 * @param databaseUser the database user (PostgreSQL); empty for the embedded database
 * @param databasePassword the database user's password (PostgreSQL)
 * @param publicBaseUrl the address people and Microsoft's sign-in reach this server at; the OAuth
 *     redirect URI to register in Entra is this plus {@code /oauth2/callback}. Microsoft Graph posts change
 *     notifications to this plus {@code /graph/notifications}, so Graph mailboxes hear of new mail at once
 *     only when it is a public https address (else they are polled)
 * @param refreshEvery how long a delegated mailbox may stay unrefreshed before the scheduler refreshes it
 * @param sweepInterval how often the token scheduler looks for mailboxes to refresh and flags what cannot be refreshed
 */
@ConfigurationProperties("mailbridge")
public record ServerSettings(
        Path dataDir,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        String publicBaseUrl,
        Duration refreshEvery,
        Duration sweepInterval) {

    public ServerSettings {
        dataDir = dataDir == null ? Path.of(".mailbridge", "server") : dataDir;
        publicBaseUrl = publicBaseUrl == null || publicBaseUrl.isBlank()
                ? "http://localhost:8080"
                : publicBaseUrl.replaceAll("/+$", "");
        refreshEvery = refreshEvery == null ? Duration.ofDays(7) : refreshEvery;
        sweepInterval = sweepInterval == null ? Duration.ofHours(1) : sweepInterval;
    }

    public String databaseUrl() {
        return databaseUrl == null || databaseUrl.isBlank() ? Database.embeddedUrl(dataDir) : databaseUrl;
    }

    public Path keyFile() {
        return dataDir.resolve("master.key");
    }

    /** The redirect URI to register in the Entra app registration. */
    public String redirectUri() {
        return publicBaseUrl + "/oauth2/callback";
    }

    /**
     * Where Microsoft Graph posts change notifications (see {@code GraphNotificationController}); whether Graph
     * can reach it is the watch's to judge.
     */
    public java.net.URI graphNotificationUrl() {
        try {
            return java.net.URI.create(publicBaseUrl + "/graph/notifications");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "mailbridge.public-base-url is not a URL (" + e.getMessage()
                            + "); set it to the server's address, e.g. https://mailbridge.example.com",
                    e);
        }
    }

    static ServerSettings fromEnvironment() {
        String dir = System.getenv("MAILBRIDGE_DATA_DIR");
        return new ServerSettings(
                dir == null ? null : Path.of(dir),
                System.getenv("MAILBRIDGE_DATABASE_URL"),
                System.getenv("MAILBRIDGE_DATABASE_USER"),
                System.getenv("MAILBRIDGE_DATABASE_PASSWORD"),
                null,
                null,
                null);
    }
}
