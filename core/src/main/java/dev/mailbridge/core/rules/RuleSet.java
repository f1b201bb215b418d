package dev.mailbridge.core.rules;

import dev.mailbridge.core.message.EmailAddress;
import dev.mailbridge.core.message.ReceivedMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A mailbox's rules: which received messages are delivered to the application, and with which label.
 *
 * <h2>Semantics</h2>
 *
 * <ol>
 *   <li><b>No rules</b>: every message is delivered, except what loop protection skips: automatic mail
 *       ({@link dev.mailbridge.core.message.AutoSubmitted#isAutomatic() auto-replies, bounces,
 *       automatic messages}) and own mail (a {@value ReceivedMessage#SENT_MARKER_HEADER} header, or
 *       From the mailbox itself).
 *   <li><b>Rules</b> are tried by ascending {@link Rule#order()} (ties in the order given); <b>the first
 *       rule whose conditions all hold wins</b>, and its decision is final. Conditions: the sender,
 *       any-recipient, subject and header patterns it has (a rule with none matches every message).
 *   <li>The winning rule then skips the message, in this order, when: the sender is one of its ignored
 *       senders; it has accepted domains and no recipient (To, Cc, Bcc) is in one; it is own mail and
 *       the rule skips own mail; it is automatic and the rule does not allow automatic mail. Otherwise
 *       the message is delivered with the rule's label.
 *   <li>When no rule matches, the message is skipped.
 * </ol>
 *
 * A {@link dev.mailbridge.core.message.AutoSubmitted#LIST mailing-list} message is not automatic for this purpose. Every decision carries a
 * reason in words. Invalid rules (a bad regular expression, a duplicate name) are refused when the
 * rule or the set is made, with a {@link RuleException} naming the rule and the field. Immutable and
 * thread-safe.
 */
public final class RuleSet {
    private static final RuleSet EMPTY = new RuleSet(List.of());

    private final List<Compiled> rules;

    /** @throws RuleException two rules have the same name */
    public RuleSet(List<Rule> rules) {
        Objects.requireNonNull(rules, "rules");
        Set<String> names = new HashSet<>();
        List<Compiled> compiled = new ArrayList<>();
        for (Rule rule : rules) {
            Objects.requireNonNull(rule, "rule");
            if (!names.add(rule.name().toLowerCase(Locale.ROOT))) {
                throw new RuleException("name", "rule '" + rule.name() + "': another rule has the same name");
            }
            compiled.add(new Compiled(rule));
        }
        compiled.sort(Comparator.comparingInt(c -> c.rule.order())); // stable: ties keep list order
        this.rules = List.copyOf(compiled);
    }

    public static RuleSet of(Rule... rules) {
        return new RuleSet(List.of(rules));
    }

    /** No rules: deliver everything but what loop protection skips. */
    public static RuleSet empty() {
        return EMPTY;
    }

    /** The rules in the order they are tried. */
    public List<Rule> rules() {
        return rules.stream().map(c -> c.rule).toList();
    }

    public Decision evaluate(ReceivedMessage message) {
        Objects.requireNonNull(message, "message");
        if (rules.isEmpty()) {
            String own = ownMail(message);
            if (own != null) {
                return Decision.skip(null, null, "skipped: " + own + ", loop protection");
            }
            if (message.autoSubmitted().isAutomatic()) {
                return Decision.skip(null, null, "skipped: " + automatic(message) + ", loop protection");
            }
            return Decision.deliver(null, null, "delivered: no rules, every message is delivered");
        }
        for (Compiled c : rules) {
            List<String> matched = c.match(message);
            if (matched == null) {
                continue;
            }
            Rule rule = c.rule;
            String of = " (rule '" + rule.name() + "')";
            String ignored = c.ignoredSender(message);
            if (ignored != null) {
                return Decision.skip(rule.name(), rule.label(), "skipped: " + ignored + of);
            }
            if (!rule.acceptedDomains().isEmpty() && !c.acceptedRecipient(message)) {
                return Decision.skip(
                        rule.name(),
                        rule.label(),
                        "skipped: no recipient in the accepted domains " + String.join(", ", rule.acceptedDomains())
                                + of);
            }
            if (rule.skipOwnMail()) {
                String own = ownMail(message);
                if (own != null) {
                    return Decision.skip(rule.name(), rule.label(), "skipped: " + own + ", loop protection" + of);
                }
            }
            if (!rule.allowAutomatic() && message.autoSubmitted().isAutomatic()) {
                return Decision.skip(
                        rule.name(), rule.label(), "skipped: " + automatic(message) + ", loop protection" + of);
            }
            return Decision.deliver(
                    rule.name(),
                    rule.label(),
                    "delivered: rule '" + rule.name() + "' matched"
                            + (matched.isEmpty() ? " (no conditions)" : " (" + String.join(", ", matched) + ")"));
        }
        return Decision.skip(
                null, null, "skipped: no rule matched (" + rules.size() + (rules.size() == 1 ? " rule)" : " rules)"));
    }

    private static String automatic(ReceivedMessage m) {
        String reason = m.autoSubmittedReason();
        return m.autoSubmitted().description() + (reason == null ? "" : " (" + reason + ")");
    }

    /** Why it is own mail, or {@code null}. */
    private static String ownMail(ReceivedMessage m) {
        var marker = m.header(ReceivedMessage.SENT_MARKER_HEADER);
        if (marker.isPresent()) {
            return "Mailbridge's own mail (" + ReceivedMessage.SENT_MARKER_HEADER + ": " + marker.get() + ")";
        }
        if (m.from() != null
                && m.mailbox() != null
                && m.from().address().equalsIgnoreCase(m.mailbox().strip())) {
            return "sent by the mailbox itself (" + m.from().address() + ")";
        }
        return null;
    }

    private static final class Compiled {
        final Rule rule;
        final Pattern sender;
        final Pattern recipient;
        final Pattern subject;
        final Pattern header;
        final List<Pattern> ignoredPatterns = new ArrayList<>();
        final List<String> ignoredPatternSources = new ArrayList<>();
        final Set<String> ignoredAddresses = new HashSet<>();

        Compiled(Rule rule) {
            this.rule = rule;
            this.sender = Rule.compile(rule.name(), "senderPattern", "sender pattern", rule.senderPattern());
            this.recipient =
                    Rule.compile(rule.name(), "recipientPattern", "recipient pattern", rule.recipientPattern());
            this.subject = Rule.compile(rule.name(), "subjectPattern", "subject pattern", rule.subjectPattern());
            this.header = Rule.compile(rule.name(), "headerPattern", "header pattern", rule.headerPattern());
            List<String> ignored = rule.ignoredSenders();
            for (int i = 0; i < ignored.size(); i++) {
                String entry = ignored.get(i);
                if (Rule.isRegex(entry)) {
                    String regex = entry.substring(1, entry.length() - 1);
                    ignoredPatterns.add(
                            Rule.compile(rule.name(), "ignoredSenders[" + i + "]", "ignored sender " + (i + 1), regex));
                    ignoredPatternSources.add(entry);
                } else {
                    ignoredAddresses.add(entry.toLowerCase(Locale.ROOT));
                }
            }
        }

        /** The conditions that held (empty: the rule has none), or {@code null} when one failed. */
        List<String> match(ReceivedMessage m) {
            List<String> held = new ArrayList<>(4);
            if (sender != null) {
                if (m.from() == null || !matches(sender, m.from())) {
                    return null;
                }
                held.add("sender");
            }
            if (recipient != null) {
                if (m.recipients().stream().noneMatch(a -> matches(recipient, a))) {
                    return null;
                }
                held.add("recipient");
            }
            if (subject != null) {
                if (!subject.matcher(m.subject() == null ? "" : m.subject()).find()) {
                    return null;
                }
                held.add("subject");
            }
            if (rule.headerName() != null) {
                List<String> values = m.headers(rule.headerName());
                if (values.isEmpty()
                        || (header != null
                                && values.stream()
                                        .noneMatch(v -> header.matcher(v).find()))) {
                    return null;
                }
                held.add("header " + rule.headerName());
            }
            return held;
        }

        private static boolean matches(Pattern p, EmailAddress a) {
            return p.matcher(a.address()).find()
                    || (a.name() != null && p.matcher(a.toString()).find());
        }

        /** Why the sender is ignored, or {@code null}. */
        String ignoredSender(ReceivedMessage m) {
            if (m.from() == null) {
                return null;
            }
            String address = m.from().address();
            if (ignoredAddresses.contains(address.toLowerCase(Locale.ROOT))) {
                return "sender " + address + " is ignored";
            }
            for (int i = 0; i < ignoredPatterns.size(); i++) {
                if (ignoredPatterns.get(i).matcher(address).find()) {
                    return "sender " + address + " is ignored (" + ignoredPatternSources.get(i) + ")";
                }
            }
            return null;
        }

        boolean acceptedRecipient(ReceivedMessage m) {
            return m.recipients().stream().anyMatch(a -> rule.acceptedDomains().contains(a.domain()));
        }
    }
}
