package dev.mailbridge.core.connect;

import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.emulator.Emulator;
import java.util.Optional;
import java.util.UUID;

/**
 * A new mailbox of a test's own (so tests never see each other's mail), reached over the transport the
 * test runs on: Graph on the emulated Exchange Online tenant ({@link ContosoApp}, app-only), EWS on the
 * emulated Exchange Server tenant ({@link NorthwindService}, Basic with impersonation).
 */
public final class TransportMailbox {
    private static final String NORTHWIND_TENANT = "0b1e0b1e-0000-4000-8000-000000000001";

    private TransportMailbox() {}

    /** Creates the mailbox in the emulator, a connection to it and the mailbox in Mailbridge. */
    public static Mailbox create(Transport transport, MailboxServices services, Emulator emulator, String prefix) {
        String address;
        UUID conn;
        if (transport == Transport.GRAPH) {
            address = ContosoApp.newMailbox(emulator, prefix);
            conn = ContosoApp.connection(services, emulator, Transport.GRAPH);
        } else {
            address = prefix + "." + UUID.randomUUID().toString().substring(0, 8) + "@northwind.local";
            emulator.exchange().mailboxes().createMailbox(address, prefix, NORTHWIND_TENANT);
            conn = NorthwindService.connection(services, emulator);
        }
        return services.connections().addMailbox(conn, address, Optional.empty(), "test");
    }
}
