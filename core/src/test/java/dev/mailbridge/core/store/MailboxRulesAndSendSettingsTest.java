package dev.mailbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.deliver.Backoff;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.message.AttachmentContent;
import dev.mailbridge.core.message.MessageJson;
import dev.mailbridge.core.message.MimeParser;
import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.receive.ReceivePipeline;
import dev.mailbridge.core.receive.ReceivedMessages;
import dev.mailbridge.core.rules.Rule;
import dev.mailbridge.core.rules.RuleDraft;
import dev.mailbridge.core.rules.RuleException;
import dev.mailbridge.core.send.SendSettings;
import dev.mailbridge.core.store.TestDatabases.Kind;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.Vault;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Per-mailbox rules (stored, replaced as a whole, read by the receive pipeline), the MIME kept with every
 * received message (attachment content read back from it), and the replyFrom pairing, on both databases.
 */
class MailboxRulesAndSendSettingsTest {

    private static Stores stores(Kind kind) {
        return new Stores(TestDatabases.open(kind), new Vault(KeyRing.of(KeyRing.newKey())), Clock.systemUTC());
    }

    private static Mailbox mailbox(Stores s, UUID org, String address) {
        var c = s.connections()
                .create(
                        org,
                        ConnectionSettings.builder("Conn " + UUID.randomUUID(), SignInMode.BASIC)
                                .ewsUrl("https://mail.contoso.com/EWS/Exchange.asmx")
                                .build(),
                        Optional.empty());
        return s.mailboxes().create(c.id(), address, Optional.empty());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void rulesAreStoredReplacedAsAWholeAndDecideWhatThePipelineDelivers(Kind kind) throws Exception {
        Stores s = stores(kind);
        Mailbox m = mailbox(s, s.organisations().create("Contoso").id(), "invoices@contoso.com");
        assertThat(s.rules().list(m.id())).isEmpty();

        Rule invoices = Rule.builder("invoices")
                .order(1)
                .subject("(?i)^invoice")
                .ignoredSenders("spam@example.com", "/@newsletter\\.example$/")
                .acceptedDomains("@Contoso.com")
                .label("billing")
                .build();
        Rule bounces = Rule.builder("bounces")
                .order(2)
                .header("X-Failed-Recipients", null)
                .allowAutomatic(true)
                .skipOwnMail(false)
                .build();
        s.rules().replace(m.id(), List.of(bounces, invoices));
        assertThat(s.rules().list(m.id())).containsExactly(bounces, invoices);
        assertThat(s.rules().ruleSet(m.id()).rules()).extracting(Rule::name).containsExactly("invoices", "bounces");

        // a bad rule changes nothing
        assertThatThrownBy(() -> s.rules()
                        .replace(
                                m.id(),
                                List.of(invoices, Rule.builder("INVOICES").build())))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining("same name");
        assertThat(s.rules().list(m.id())).hasSize(2);

        // the pipeline reads the stored rules, keeps the message with its MIME and the label in its JSON
        ReceivedMessages received = new ReceivedMessages(s.database(), Clock.systemUTC());
        Outbox outbox = new Outbox(
                s.database(),
                Clock.systemUTC(),
                new Outbox.Options(3, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2))));
        ReceivePipeline pipeline =
                new ReceivePipeline(new MimeParser(), s.rules()::ruleSet, outbox).keepingMessagesIn(received);
        Path mime = Files.createTempFile("rules-test", ".eml");
        byte[] original;
        try (InputStream in = getClass().getResourceAsStream("/messages/attachments.eml")) {
            original = in.readAllBytes();
        }
        Files.write(mime, original);
        pipeline.accept(m, "item-1", mime);
        Files.delete(mime);
        ReceivedMessages.Stored stored =
                received.since(m.id(), Instant.EPOCH, 10).getFirst();
        assertThat(stored.delivered()).isTrue();
        assertThat(stored.decision()).contains("rule 'invoices' matched");
        var json = MessageJson.mapper().readTree(stored.json());
        assertThat(json.get("label").asText()).isEqualTo("billing");
        assertThat(json.get("rule").asText()).isEqualTo("invoices");
        assertThat(received.get(stored.id())).contains(stored);
        try (InputStream kept = received.mime(stored.id()).orElseThrow()) {
            assertThat(kept.readAllBytes()).isEqualTo(original);
        }
        try (InputStream kept = received.mime(stored.id()).orElseThrow();
                AttachmentContent pdf = new MimeParser().openAttachment(kept, 1)) {
            assertThat(pdf.filename()).isEqualTo("Rechnung März €.pdf");
            assertThat(new String(pdf.stream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII))
                    .startsWith("%PDF-1.4");
        }
        assertThat(received.mime(stored.id() + 1000)).isEmpty();

        // back to the empty rule set
        s.rules().replace(m.id(), List.of());
        assertThat(s.rules().ruleSet(m.id()).rules()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void draftsGiveOneProblemPerFieldNamedByIndex(Kind kind) {
        RuleDraft good = new RuleDraft("ok", null, null, null, null, null, null, null, null, null, null, "x");
        RuleDraft badRegex = new RuleDraft("bad", 2, null, null, "([a-z", null, null, null, null, null, null, null);
        RuleDraft badSender = new RuleDraft(
                "senders", null, null, null, null, null, null, List.of("a@b.c", "/[/"), null, null, null, null);
        RuleDraft duplicate = new RuleDraft("OK", null, null, null, null, null, null, null, null, null, null, null);
        RuleDraft badDomain = new RuleDraft(
                "domains", null, null, null, null, null, null, null, List.of("not a domain"), null, null, null);
        RuleDraft.Checked checked = RuleDraft.check(Arrays.asList(good, badRegex, badSender, duplicate, badDomain));
        assertThat(checked.valid()).isFalse();
        assertThat(checked.problems())
                .extracting(FieldError::field)
                .containsExactly(
                        "rules[1].subjectPattern",
                        "rules[2].ignoredSenders[1]",
                        "rules[3].name",
                        "rules[4].acceptedDomains[0]");
        assertThat(checked.problems().get(0).message())
                .contains("not a valid regular expression")
                .contains("Unclosed character class")
                .contains("([a-z");
        // every problem of one rule, not only its first
        RuleDraft twice =
                new RuleDraft("twice", null, "(", null, "[", "X-A", null, List.of("/*/"), null, null, null, null);
        assertThat(RuleDraft.check(List.of(twice)).problems())
                .extracting(FieldError::field)
                .containsExactly("rules[0].senderPattern", "rules[0].subjectPattern", "rules[0].ignoredSenders[0]");
        RuleDraft.Checked ok = RuleDraft.check(List.of(good));
        assertThat(ok.valid()).isTrue();
        assertThat(ok.rules().getFirst().skipOwnMail())
                .as("loop protection by default")
                .isTrue();
        assertThat(ok.rules().getFirst().allowAutomatic()).isFalse();
        // the stored form survives a round trip through the draft
        Stores s = stores(kind);
        Mailbox m = mailbox(s, s.organisations().create("Fabrikam").id(), "desk@fabrikam.com");
        s.rules().replace(m.id(), ok.rules());
        assertThat(RuleDraft.of(s.rules().list(m.id()).getFirst()).toRule())
                .isEqualTo(ok.rules().getFirst());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void replyFromMustBeAnotherWorkingMailboxOfTheSameOrganisation(Kind kind) {
        Stores s = stores(kind);
        UUID contoso = s.organisations().create("Contoso").id();
        Mailbox desk = mailbox(s, contoso, "desk@contoso.com");
        Mailbox noreply = mailbox(s, contoso, "replies@contoso.com");
        Mailbox foreign = mailbox(s, s.organisations().create("Fabrikam").id(), "desk@fabrikam.com");
        SendSettings settings = new SendSettings(s, Clock.systemUTC());
        assertThat(settings.replyFrom(desk.id())).isEmpty();

        assertThat(problem(() -> settings.setReplyFrom(desk.id(), Optional.of(noreply.id()))))
                .as("not authorized yet")
                .contains("cannot send");
        s.mailboxes().setStatus(noreply.id(), MailboxStatus.AUTHORIZED, Optional.empty(), Optional.empty());
        s.mailboxes().setStatus(foreign.id(), MailboxStatus.AUTHORIZED, Optional.empty(), Optional.empty());
        assertThat(problem(() -> settings.setReplyFrom(desk.id(), Optional.of(foreign.id()))))
                .contains("another organisation");
        assertThat(problem(() -> settings.setReplyFrom(desk.id(), Optional.of(desk.id()))))
                .contains("already go out from this mailbox");
        assertThat(problem(() -> settings.setReplyFrom(desk.id(), Optional.of(UUID.randomUUID()))))
                .contains("no mailbox");
        assertThat(settings.replyFrom(desk.id())).isEmpty();

        settings.setReplyFrom(desk.id(), Optional.of(noreply.id()));
        assertThat(settings.replyFrom(desk.id())).contains(noreply.id());
        // deleting the paired mailbox unpairs
        s.mailboxes().delete(noreply.id());
        assertThat(settings.replyFrom(desk.id())).isEmpty();
        settings.setReplyFrom(desk.id(), Optional.empty());
        assertThat(settings.replyFrom(desk.id())).isEmpty();
    }

    private static String problem(Runnable r) {
        try {
            r.run();
        } catch (ValidationException e) {
            assertThat(e.errors())
                    .singleElement()
                    .satisfies(f -> assertThat(f.field()).isEqualTo("replyFrom"));
            return e.errors().getFirst().message();
        }
        throw new AssertionError("expected a ValidationException");
    }
}
