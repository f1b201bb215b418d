package dev.mailbridge.server;

import dev.mailbridge.core.store.Database;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.KeyRotation;
import dev.mailbridge.core.vault.Vault;
import java.nio.file.Path;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The Mailbridge server. {@code ./mailbridge serve} starts it; {@code ./mailbridge serve rotate-key}
 * rotates the master key (every stored secret and token sealed again) and exits.
 */
@SpringBootApplication
@EnableScheduling
@EnableConfigurationProperties(ServerSettings.class)
public class MailbridgeServer {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("rotate-key")) {
            System.exit(rotateKey());
        }
        SpringApplication.run(MailbridgeServer.class, args);
    }

    /** Rotation without the web server: same data directory and database settings as a normal start. */
    static int rotateKey() {
        ServerSettings settings = ServerSettings.fromEnvironment();
        Path keyFile = settings.keyFile();
        Vault vault = new Vault(KeyRing.load(System.getenv(), keyFile));
        try (Database db = Database.migrate(
                Database.pool(settings.databaseUrl(), settings.databaseUser(), settings.databasePassword()))) {
            KeyRotation.Result r = vault.ring().file().isPresent()
                    ? KeyRotation.rotateKeyFile(db.jdbc(), vault)
                    : KeyRotation.reseal(db.jdbc(), vault);
            System.out.println("Master key rotated: " + r.resealed() + " secrets and tokens sealed again with key "
                    + r.activeKeyId()
                    + (r.retiredKeyIds().isEmpty()
                            ? "."
                            : "; retired keys: " + r.retiredKeyIds()
                                    + (vault.ring().file().isPresent()
                                            ? " (removed from " + keyFile + ")."
                                            : ". Now remove " + KeyRing.ENV_OLD_KEYS + " from the environment.")));
            return 0;
        } catch (RuntimeException e) {
            System.err.println("Key rotation failed, nothing was changed: " + e.getMessage());
            return 1;
        }
    }
}
