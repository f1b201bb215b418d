package dev.mailbridge.core.connect;

import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.identity.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.UUID;

/**
 * The connection most core tests receive and send through: the emulated Exchange Server tenant's
 * service account (Basic with impersonation), in a new organisation, trusting the emulator's CA.
 */
public final class NorthwindService {
    private NorthwindService() {}

    /** Creates the organisation and the connection; returns the connection's id. */
    public static UUID connection(MailboxServices services, Emulator emulator) {
        UUID org =
                services.connections().createOrganisation("Northwind", "test").id();
        try {
            return services.connections()
                    .create(
                            org,
                            ConnectionSettings.builder("Service", SignInMode.BASIC_IMPERSONATED)
                                    .ewsUrl(emulator.loginUrl() + "/EWS/Exchange.asmx")
                                    .username("ews.service@northwind.local")
                                    .password(Secret.of("Ews-Service1!"))
                                    .trustedCaPem(Files.readString(emulator.caCertificate()))
                                    .build(),
                            "test")
                    .id();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
