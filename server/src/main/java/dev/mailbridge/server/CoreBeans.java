package dev.mailbridge.server;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailbridge.core.connect.EwsRetirement;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.store.Database;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.identity.http.HttpSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The core's objects as beans: database (migrated before use), vault, stores and mailbox services. */
@Configuration(proxyBeanMethods = false)
class CoreBeans {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(ServerSettings settings) {
        try {
            Files.createDirectories(settings.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + settings.dataDir(), e);
        }
        return Database.pool(settings.databaseUrl(), settings.databaseUser(), settings.databasePassword());
    }

    @Bean
    Database database(DataSource dataSource) {
        return Database.migrate(dataSource);
    }

    @Bean
    Vault vault(ServerSettings settings) {
        return new Vault(KeyRing.load(System.getenv(), settings.keyFile()));
    }

    @Bean
    Stores stores(Database database, Vault vault, Clock clock) {
        return new Stores(database, vault, clock);
    }

    @Bean
    MailboxServices mailboxServices(Stores stores, Clock clock, ServerSettings settings) {
        return new MailboxServices(stores, clock, HttpSettings.defaults(), settings.refreshEvery());
    }

    @Bean
    EwsRetirement ewsRetirement(Clock clock) {
        return new EwsRetirement(clock);
    }
}
