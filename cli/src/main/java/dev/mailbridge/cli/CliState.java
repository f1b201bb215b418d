package dev.mailbridge.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.Organisation;
import dev.mailbridge.core.store.Database;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.identity.http.HttpSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's state in its home folder, on core's own pieces: an embedded H2 database (the same schema as
 * the server's), secrets and refresh tokens sealed by the vault with a master key from {@code
 * MAILBRIDGE_CLI_MASTER_KEY} or {@code master.key} (made owner-only on first use). A profile is one
 * connection with one mailbox, in an organisation of the CLI's own.
 */
final class CliState implements AutoCloseable {
    static final String ACTOR = "cli";
    static final String ORGANISATION = "Mailbridge CLI";
    private static final String DEFAULT_PROFILE = "cli.default-profile";

    /** A profile: its connection and its mailbox. */
    record Profile(Connection connection, Mailbox mailbox) {
        String name() {
            return connection.name();
        }
    }

    private final Path home;
    private final HikariDataSource dataSource;
    private final Stores stores;
    private final MailboxServices services;
    private final Clock clock = Clock.systemUTC();

    private CliState(Path home, HikariDataSource dataSource, Stores stores) {
        this.home = home;
        this.dataSource = dataSource;
        this.stores = stores;
        this.services = new MailboxServices(stores, clock, HttpSettings.defaults(), Duration.ofDays(7));
    }

    static CliState open(CliEnvironment env) {
        Path home = env.home();
        try {
            Files.createDirectories(home);
            try {
                Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the user's profile folder is private already
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the CLI's folder " + home, e);
        }
        // Core's key ring reads MAILBRIDGE_MASTER_KEY; the CLI has a variable of its own so that a
        // server's key in the same shell is never used for the CLI's file.
        Map<String, String> keyEnv = env.variable(CliEnvironment.MASTER_KEY)
                .map(k -> Map.of(KeyRing.ENV_KEY, k))
                .orElse(Map.of());
        Vault vault;
        try {
            vault = new Vault(KeyRing.load(keyEnv, home.resolve("master.key")));
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    ExitCodes.LOCAL,
                    "The master key cannot be used: "
                            + e.getMessage().replace(KeyRing.ENV_KEY, CliEnvironment.MASTER_KEY),
                    "Set " + CliEnvironment.MASTER_KEY + " to the key the profiles were saved with, or unset it to use "
                            + home.resolve("master.key") + ".");
        }
        // AUTO_SERVER: `watch` in one terminal and `send` in another share the file.
        HikariDataSource ds =
                Database.pool("jdbc:h2:file:" + home.resolve("mailbridge") + ";AUTO_SERVER=TRUE", "sa", "");
        ds.setMaximumPoolSize(4);
        ds.setMinimumIdle(1);
        try {
            Database db = Database.migrate(ds);
            return new CliState(home, ds, new Stores(db, vault, Clock.systemUTC()));
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    Path home() {
        return home;
    }

    Clock clock() {
        return clock;
    }

    Stores stores() {
        return stores;
    }

    MailboxServices services() {
        return services;
    }

    Organisation organisation() {
        return stores.organisations().list().stream()
                .filter(o -> o.name().equals(ORGANISATION))
                .findFirst()
                .orElseGet(() -> services.connections().createOrganisation(ORGANISATION, ACTOR));
    }

    List<Profile> profiles() {
        List<Profile> out = new ArrayList<>();
        for (Connection c : stores.connections().list(organisation().id())) {
            stores.mailboxes().list(c.id()).stream().findFirst().ifPresent(m -> out.add(new Profile(c, m)));
        }
        out.sort(java.util.Comparator.comparing(Profile::name));
        return out;
    }

    Optional<Profile> find(String name) {
        return profiles().stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
    }

    Optional<String> defaultProfile() {
        return stores.settings().get(DEFAULT_PROFILE);
    }

    void setDefault(String name) {
        stores.settings().put(DEFAULT_PROFILE, name);
    }

    /** The profile named, or the default one, or the only one; a clear message otherwise. */
    Profile profile(Optional<String> name) {
        if (name.isPresent()) {
            return find(name.get())
                    .orElseThrow(() -> new CliException(
                            ExitCodes.USAGE,
                            "There is no profile called \"" + name.get() + "\".",
                            "Run mailbridge profiles to list them, or mailbridge login --profile " + name.get()
                                    + " to create it."));
        }
        List<Profile> all = profiles();
        if (all.isEmpty()) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "No mailbox is signed in yet.",
                    "Run mailbridge login first (mailbridge login --help shows the options).");
        }
        Optional<Profile> byDefault = defaultProfile().flatMap(this::find);
        if (byDefault.isPresent()) {
            return byDefault.get();
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        throw new CliException(
                ExitCodes.USAGE,
                "There are " + all.size() + " profiles and none is the default.",
                "Name one with --profile ("
                        + String.join(", ", all.stream().map(Profile::name).toList()) + ").");
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
