package dev.mailbridge.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.core.message.MimeParser;
import dev.mailbridge.core.message.ReceivedMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleSetTest {
    private static final MimeParser PARSER = new MimeParser();
    private static final String MAILBOX = "support@contoso.com";

    private static ReceivedMessage mail(String headers) {
        String mime = headers + (headers.contains("To:") ? "" : "To: Support <support@contoso.com>\n")
                + (headers.contains("From:") ? "" : "From: Alice <alice@example.com>\n") + "\nbody\n";
        try {
            return PARSER.parse(new ByteArrayInputStream(mime.getBytes(StandardCharsets.UTF_8)), MAILBOX, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ReceivedMessage sample(String name) throws IOException {
        try (InputStream in = RuleSetTest.class.getResourceAsStream("/messages/" + name)) {
            return PARSER.parse(in, MAILBOX, null);
        }
    }

    @Test
    void noRulesDeliversEverythingButLoopProtectionSkips() throws IOException {
        RuleSet none = RuleSet.empty();
        assertThat(none.evaluate(sample("plain.eml")))
                .isEqualTo(new Decision(true, null, null, "delivered: no rules, every message is delivered"));
        assertThat(none.evaluate(sample("mailing-list.eml")).deliver())
                .as("a list message is not automatic")
                .isTrue();
        assertThat(none.evaluate(sample("outlook-auto-reply.eml")))
                .isEqualTo(new Decision(
                        false, null, null, "skipped: auto-reply (Auto-Submitted: auto-replied), loop protection"));
        assertThat(none.evaluate(sample("bounce.eml")).reason())
                .isEqualTo("skipped: bounce (Content-Type: multipart/report; report-type=delivery-status), loop"
                        + " protection");
        assertThat(none.evaluate(mail("Subject: x\nPrecedence: bulk\n")).reason())
                .isEqualTo("skipped: automatic message (Precedence: bulk), loop protection");
        assertThat(none.evaluate(mail("Subject: x\nX-Mailbridge-Sent: 42\n")))
                .isEqualTo(new Decision(
                        false, null, null, "skipped: Mailbridge's own mail (X-Mailbridge-Sent: 42), loop protection"));
        assertThat(none.evaluate(mail("From: SUPPORT@contoso.com\nSubject: x\n"))
                        .reason())
                .isEqualTo("skipped: sent by the mailbox itself (SUPPORT@contoso.com), loop protection");
    }

    @Test
    void senderCondition() {
        RuleSet rules = RuleSet.of(Rule.builder("partners")
                .sender("@fabrikam\\.com$")
                .label("partner")
                .build());
        assertThat(rules.evaluate(mail("From: Frank <frank@FABRIKAM.com>\nSubject: hi\n")))
                .isEqualTo(new Decision(true, "partners", "partner", "delivered: rule 'partners' matched (sender)"));
        assertThat(rules.evaluate(mail("From: frank@fabrikam.com.evil.net\nSubject: hi\n")))
                .isEqualTo(new Decision(false, null, null, "skipped: no rule matched (1 rule)"));
        RuleSet byName = RuleSet.of(Rule.builder("named").sender("^Frank ").build());
        assertThat(byName.evaluate(mail("From: Frank <f@x.com>\nSubject: hi\n")).deliver())
                .as("matched against Name <address> too")
                .isTrue();
    }

    @Test
    void anyRecipientCondition() {
        RuleSet rules =
                RuleSet.of(Rule.builder("billing").recipient("^billing@").build());
        assertThat(rules.evaluate(mail("To: support@contoso.com\nCc: Billing <billing@contoso.com>\nSubject: x\n"))
                        .deliver())
                .isTrue();
        assertThat(rules.evaluate(mail("To: support@contoso.com\nSubject: x\n")).deliver())
                .isFalse();
    }

    @Test
    void subjectCondition() {
        RuleSet rules = RuleSet.of(Rule.builder("invoices")
                .subject("\\binvoice\\s+\\d+")
                .label("request-type:invoice")
                .build());
        Decision d = rules.evaluate(mail("Subject: =?UTF-8?Q?Your_INVOICE_2024_=E2=80=93_paid?=\n"));
        assertThat(d)
                .isEqualTo(new Decision(
                        true, "invoices", "request-type:invoice", "delivered: rule 'invoices' matched (subject)"));
        assertThat(rules.evaluate(mail("Subject: invoices\n")).deliver()).isFalse();
        assertThat(rules.evaluate(mail("X-Nothing: 1\n")).deliver())
                .as("no subject is an empty subject")
                .isFalse();
    }

    @Test
    void headerCondition() {
        RuleSet rules = RuleSet.of(
                Rule.builder("crm").header("x-crm-ticket", "^T-\\d+$").build());
        assertThat(rules.evaluate(mail("Subject: s\nX-CRM-Ticket: T-1234\n")).reason())
                .isEqualTo("delivered: rule 'crm' matched (header x-crm-ticket)");
        assertThat(rules.evaluate(mail("Subject: s\nX-CRM-Ticket: other\n")).deliver())
                .isFalse();
        assertThat(rules.evaluate(mail("Subject: s\n")).deliver()).isFalse();
        RuleSet present =
                RuleSet.of(Rule.builder("any").header("X-CRM-Ticket", null).build());
        assertThat(present.evaluate(mail("Subject: s\nX-CRM-Ticket: whatever\n"))
                        .deliver())
                .isTrue();
        assertThat(present.evaluate(mail("Subject: s\n")).deliver()).isFalse();
    }

    @Test
    void allConditionsOfARuleMustHold() {
        RuleSet rules = RuleSet.of(
                Rule.builder("both").sender("@example\\.com$").subject("urgent").build());
        assertThat(rules.evaluate(mail("Subject: URGENT: down\n")).reason())
                .isEqualTo("delivered: rule 'both' matched (sender, subject)");
        assertThat(rules.evaluate(mail("Subject: not so\n")).deliver()).isFalse();
        assertThat(rules.evaluate(mail("From: x@other.org\nSubject: urgent\n")).deliver())
                .isFalse();
    }

    @Test
    void firstMatchWinsByOrder() {
        Rule catchAll =
                Rule.builder("everything-else").order(100).label("general").build();
        Rule invoices = Rule.builder("invoices")
                .order(10)
                .subject("invoice")
                .label("invoice")
                .build();
        Rule vip = Rule.builder("vip").order(10).sender("^ceo@").label("vip").build();
        RuleSet rules = new RuleSet(List.of(catchAll, invoices, vip));

        assertThat(rules.rules()).extracting(Rule::name).containsExactly("invoices", "vip", "everything-else");
        assertThat(rules.evaluate(mail("From: ceo@example.com\nSubject: invoice\n"))
                        .label())
                .as("same order: list order breaks the tie")
                .isEqualTo("invoice");
        assertThat(rules.evaluate(mail("From: ceo@example.com\nSubject: lunch\n"))
                        .label())
                .isEqualTo("vip");
        Decision rest = rules.evaluate(mail("Subject: lunch\n"));
        assertThat(rest)
                .isEqualTo(new Decision(
                        true,
                        "everything-else",
                        "general",
                        "delivered: rule 'everything-else' matched (no conditions)"));
    }

    @Test
    void aMatchingRulesDecisionIsFinal() {
        RuleSet rules = RuleSet.of(
                Rule.builder("strict").order(1).subject("report").build(),
                Rule.builder("lenient").order(2).allowAutomatic(true).build());
        assertThat(rules.evaluate(mail("Subject: Weekly report\nAuto-Submitted: auto-generated\n")))
                .isEqualTo(new Decision(
                        false,
                        "strict",
                        null,
                        "skipped: automatic message (Auto-Submitted: auto-generated), loop protection (rule"
                                + " 'strict')"));
    }

    @Test
    void loopProtectionAndItsOverride() throws IOException {
        RuleSet protect = RuleSet.of(Rule.builder("all").build());
        assertThat(protect.evaluate(sample("outlook-auto-reply.eml")))
                .isEqualTo(new Decision(
                        false,
                        "all",
                        null,
                        "skipped: auto-reply (Auto-Submitted: auto-replied), loop protection (rule 'all')"));
        assertThat(protect.evaluate(sample("bounce.eml")).deliver()).isFalse();
        assertThat(protect.evaluate(mail("Subject: x\nX-Mailbridge-Sent: 7\n")).reason())
                .isEqualTo("skipped: Mailbridge's own mail (X-Mailbridge-Sent: 7), loop protection (rule 'all')");

        RuleSet bounces = RuleSet.of(
                Rule.builder("bounces").allowAutomatic(true).label("ndr").build());
        assertThat(bounces.evaluate(sample("bounce.eml")))
                .isEqualTo(new Decision(true, "bounces", "ndr", "delivered: rule 'bounces' matched (no conditions)"));
        assertThat(bounces.evaluate(mail("Subject: x\nX-Mailbridge-Sent: 7\n")).deliver())
                .as("allowing automatic mail does not allow own mail")
                .isFalse();

        RuleSet own = RuleSet.of(Rule.builder("own").skipOwnMail(false).build());
        assertThat(own.evaluate(mail("Subject: x\nX-Mailbridge-Sent: 7\n")).deliver())
                .isTrue();
        assertThat(own.evaluate(mail("From: support@contoso.com\nSubject: x\n")).deliver())
                .isTrue();
        assertThat(own.evaluate(sample("outlook-auto-reply.eml")).deliver())
                .as("allowing own mail does not allow auto-replies")
                .isFalse();
    }

    @Test
    void ignoredSenders() {
        RuleSet rules = RuleSet.of(Rule.builder("support")
                .ignoredSenders("Noreply@Example.com", "/@newsletter\\.example\\.org$/")
                .build());
        assertThat(rules.evaluate(mail("From: noreply@example.com\nSubject: x\n")))
                .isEqualTo(new Decision(
                        false, "support", null, "skipped: sender noreply@example.com is ignored (rule 'support')"));
        assertThat(rules.evaluate(mail("From: news@NEWSLETTER.example.org\nSubject: x\n"))
                        .reason())
                .isEqualTo("skipped: sender news@NEWSLETTER.example.org is ignored (/@newsletter\\.example\\.org$/)"
                        + " (rule 'support')");
        assertThat(rules.evaluate(mail("From: noreply@example.com.au\nSubject: x\n"))
                        .deliver())
                .as("exact addresses are exact")
                .isTrue();
    }

    @Test
    void acceptedDomains() {
        RuleSet rules = RuleSet.of(Rule.builder("ours")
                .acceptedDomains("@Contoso.com", "contoso.de")
                .build());
        assertThat(rules.evaluate(mail("To: someone@other.com, help@CONTOSO.COM\nSubject: x\n"))
                        .deliver())
                .isTrue();
        assertThat(rules.evaluate(mail("To: a@other.com\nBcc: b@contoso.de\nSubject: x\n"))
                        .deliver())
                .isTrue();
        assertThat(rules.evaluate(mail("To: a@other.com\nCc: b@sub.contoso.com\nSubject: x\n")))
                .isEqualTo(new Decision(
                        false,
                        "ours",
                        null,
                        "skipped: no recipient in the accepted domains contoso.com, contoso.de (rule 'ours')"));
    }

    @Test
    void invalidRulesAreRefusedNamingTheRuleAndField() {
        assertThatThrownBy(
                        () -> Rule.builder("Invoices").subject("invoice (\\d+").build())
                .isInstanceOf(RuleException.class)
                .hasMessage("rule 'Invoices': the subject pattern is not a valid regular expression: Unclosed group"
                        + " near index 12 in invoice (\\d+");
        assertThatThrownBy(() -> Rule.builder("s").sender("*@x.com").build())
                .isInstanceOf(RuleException.class)
                .hasMessageStartingWith("rule 's': the sender pattern is not a valid regular expression: Dangling"
                        + " meta character '*'");
        assertThatThrownBy(() -> Rule.builder("r").recipient("[a-").build())
                .hasMessageStartingWith("rule 'r': the recipient pattern is not a valid regular expression");
        assertThatThrownBy(() -> Rule.builder("h").header("X-A", "(").build())
                .hasMessageStartingWith("rule 'h': the header pattern is not a valid regular expression");
        assertThatThrownBy(() -> Rule.builder("h").header(null, "x").build())
                .hasMessage("rule 'h': the header pattern needs a header name");
        assertThatThrownBy(
                        () -> Rule.builder("i").ignoredSenders("a@x.com", "/[/").build())
                .hasMessageStartingWith("rule 'i': the ignored sender 2 is not a valid regular expression");
        assertThatThrownBy(() -> Rule.builder("d")
                        .acceptedDomains("contoso.com", "not a domain")
                        .build())
                .hasMessage("rule 'd': accepted domain 2 'not a domain' is not a domain name (like example.com)");
        assertThatThrownBy(() -> Rule.builder(" ").build()).hasMessage("a rule needs a name");
        assertThatThrownBy(() ->
                        RuleSet.of(Rule.builder("a").build(), Rule.builder("A").build()))
                .isInstanceOf(RuleException.class)
                .hasMessage("rule 'A': another rule has the same name");
    }
}
