package dev.mailbridge.core.connect;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.emulator.Cloud;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.identity.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.UUID;

/**
 * The connection core tests reach Exchange Online through: the emulated Contoso tenant's web app,
 * app-only (full_access_as_app for EWS, Mail.* application roles for Graph), in a new organisation,
 * trusting the emulator's CA. The transport is the test's choice.
 */
public final class ContosoApp {
    public static final String TENANT = "contoso.onmicrosoft.com";
    public static final String TENANT_ID = "c0a7c0a7-0000-4000-8000-000000000001";
    public static final String CLIENT_ID = "c0a7c0a7-0000-4000-8000-0000000000a1";
    public static final String CLIENT_SECRET = "Mbr8Q~emulator.web.app.secret.value.0001";

    private ContosoApp() {}

    /** The connection's settings: EWS and Graph both pointed at the emulator. */
    public static ConnectionSettings.Builder settings(Emulator emulator, Transport transport) {
        try {
            return ConnectionSettings.builder("Contoso app", SignInMode.OAUTH_APP_ONLY)
                    .transport(transport)
                    .ewsUrl(emulator.loginUrl() + "/EWS/Exchange.asmx")
                    .graphUrl(emulator.graphUrl(Cloud.GLOBAL).toString())
                    .loginAuthority(emulator.loginUrl().toString())
                    .tenantId(TENANT)
                    .clientId(CLIENT_ID)
                    .clientSecret(Secret.of(CLIENT_SECRET))
                    .trustedCaPem(Files.readString(emulator.caCertificate()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the organisation and the connection; returns the connection's id. */
    public static UUID connection(MailboxServices services, Emulator emulator, Transport transport) {
        UUID org = services.connections().createOrganisation("Contoso", "test").id();
        return services.connections()
                .create(org, settings(emulator, transport).build(), "test")
                .id();
    }

    /** A new user in the Contoso directory with a mailbox of their own; returns the address. */
    public static String newMailbox(Emulator emulator, String prefix) {
        String address = prefix + "." + UUID.randomUUID().toString().substring(0, 8) + "@" + TENANT;
        emulator.entra()
                .directory()
                .createUser(TENANT, JsonNodeFactory.instance.objectNode().put("upn", address));
        emulator.exchange().mailboxes().createMailbox(address, prefix, TENANT_ID);
        return address;
    }
}
