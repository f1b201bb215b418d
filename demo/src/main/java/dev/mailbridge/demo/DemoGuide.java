package dev.mailbridge.demo;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.model.HistoryEvent;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.server.web.HomeGuide;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The four first steps on the demo administrator's home page, each marked done once it is. */
final class DemoGuide implements HomeGuide {
    private final MailboxServices services;
    private final WebhookInspector inspector;
    private final Duration trickle;

    DemoGuide(MailboxServices services, WebhookInspector inspector, Duration trickle) {
        this.services = services;
        this.inspector = inspector;
        this.trickle = trickle;
    }

    @Override
    public String title() {
        return "Your first ten minutes";
    }

    @Override
    public List<Step> steps() {
        Optional<Mailbox> delegated = delegatedMailbox();
        String page = delegated.map(m -> "/mailboxes/" + m.id()).orElse("/");
        boolean authorized = delegated
                .map(m -> m.status() == MailboxStatus.AUTHORIZED || m.status() == MailboxStatus.EXPIRING)
                .orElse(false);
        boolean tested = delegated
                .map(m -> services.stores().history().ofMailbox(m.id(), 50).stream()
                        .anyMatch(e -> e.kind() == HistoryEvent.Kind.TEST && e.outcome() == HistoryEvent.Outcome.OK))
                .orElse(false);
        return List.of(
                new Step(
                        "Authorize Adele's mailbox",
                        "Press Authorize on the mailbox of the delegated connection, then sign in at the emulator's"
                                + " page as " + SampleMail.ADELE + " with the password " + DemoMain.ADELE_PASSWORD
                                + " and accept.",
                        page,
                        "Open Adele's mailbox",
                        authorized),
                new Step(
                        "Test the connection",
                        "On the same page press Test Connection: sign-in, EWS and the mailbox are checked one by one,"
                                + " each with what to fix if it fails.",
                        page,
                        "Test Adele's mailbox",
                        tested),
                new Step(
                        "Watch mail arrive",
                        trickle.isZero()
                                ? "Sample mail is off (" + Trickle.ENV + "=0). Send mail to the demo mailboxes and"
                                        + " watch it reach the webhook inspector, signed."
                                : "A sample message lands in a demo mailbox every " + trickle.toSeconds()
                                        + " s; Mailbridge picks it up with EWS and posts it, signed, to the built-in"
                                        + " webhook inspector.",
                        "/demo/inbox",
                        "Open the webhook inspector",
                        inspector.any("message.received")),
                new Step(
                        "Send a reply",
                        "In the inspector, press Reply on a received message: Mailbridge sends it through the"
                                + " mailbox and a message.sent event follows.",
                        "/demo/inbox",
                        "Reply from the inspector",
                        inspector.any("message.sent")));
    }

    private Optional<Mailbox> delegatedMailbox() {
        var stores = services.stores();
        return stores.connections().all().stream()
                .filter(c -> c.signInMode() == SignInMode.OAUTH_DELEGATED)
                .flatMap(c -> stores.mailboxes().list(c.id()).stream())
                .findFirst();
    }
}
