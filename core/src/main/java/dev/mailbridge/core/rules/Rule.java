package dev.mailbridge.core.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One rule of a mailbox's {@link RuleSet}; see there for how rules are applied.
 *
 * <p>Patterns are Java regular expressions, case-insensitive, found anywhere in the value ({@code
 * find}, so anchor with {@code ^...$} for a whole match; {@code (?-i)} makes one case-sensitive). A
 * {@code null} or blank pattern is no condition.
 *
 * @param name unique in its rule set; shown in decisions
 * @param order rules are tried by ascending order (ties: in list order)
 * @param senderPattern matched against the From address and against {@code Name <address>}
 * @param recipientPattern matches if any recipient (To, Cc, Bcc; address or {@code Name <address>})
 *     matches
 * @param subjectPattern matched against the decoded subject (an absent subject is empty)
 * @param headerName a header that must be present (case-insensitive), among the message's top-level
 *     headers as kept in {@link dev.mailbridge.core.message.ReceivedMessage#headers()}
 * @param headerPattern matched against that header's values (any of them); needs {@code headerName}
 * @param ignoredSenders senders whose mail this rule skips: an address (exact, case-insensitive) or a
 *     regular expression between slashes ({@code /@newsletter\.example\.com$/})
 * @param acceptedDomains if not empty, mail is only delivered when a recipient's domain is one of
 *     these (exactly, case-insensitive; a leading {@code @} is ignored)
 * @param allowAutomatic deliver auto-replies, bounces and automatic messages too (off: loop
 *     protection)
 * @param skipOwnMail skip mail Mailbridge sent ({@code X-Mailbridge-Sent}) or sent by the mailbox
 *     itself; the builder's default is {@code true}
 * @param label the label or route given to delivered messages (a request type), or {@code null}
 */
public record Rule(
        String name,
        int order,
        String senderPattern,
        String recipientPattern,
        String subjectPattern,
        String headerName,
        String headerPattern,
        List<String> ignoredSenders,
        List<String> acceptedDomains,
        boolean allowAutomatic,
        boolean skipOwnMail,
        String label) {

    public Rule {
        if (name == null || name.isBlank()) {
            throw new RuleException("name", "a rule needs a name");
        }
        name = name.strip();
        senderPattern = blankToNull(senderPattern);
        recipientPattern = blankToNull(recipientPattern);
        subjectPattern = blankToNull(subjectPattern);
        headerName = blankToNull(headerName);
        headerPattern = blankToNull(headerPattern);
        label = blankToNull(label);
        compile(name, "senderPattern", "sender pattern", senderPattern);
        compile(name, "recipientPattern", "recipient pattern", recipientPattern);
        compile(name, "subjectPattern", "subject pattern", subjectPattern);
        compile(name, "headerPattern", "header pattern", headerPattern);
        if (headerPattern != null && headerName == null) {
            throw new RuleException("headerName", "rule '" + name + "': the header pattern needs a header name");
        }
        if (headerName != null && !headerName.matches("[!-9;-~]+")) {
            throw new RuleException(
                    "headerName",
                    "rule '" + name + "': the header name '" + headerName + "' is not a valid header field name");
        }
        List<String> ignored = new ArrayList<>();
        if (ignoredSenders != null) {
            for (int i = 0; i < ignoredSenders.size(); i++) {
                String entry = blankToNull(ignoredSenders.get(i));
                if (entry == null) {
                    continue;
                }
                if (isRegex(entry)) {
                    compile(
                            name,
                            "ignoredSenders[" + i + "]",
                            "ignored sender " + (i + 1),
                            entry.substring(1, entry.length() - 1));
                }
                ignored.add(entry);
            }
        }
        ignoredSenders = List.copyOf(ignored);
        List<String> domains = new ArrayList<>();
        if (acceptedDomains != null) {
            for (int i = 0; i < acceptedDomains.size(); i++) {
                String domain = blankToNull(acceptedDomains.get(i));
                if (domain == null) {
                    continue;
                }
                domain = domain.startsWith("@") ? domain.substring(1) : domain;
                if (!domain.matches("[\\p{L}\\p{N}.-]+")) {
                    throw new RuleException(
                            "acceptedDomains[" + i + "]",
                            "rule '" + name + "': accepted domain " + (i + 1) + " '" + acceptedDomains.get(i)
                                    + "' is not a domain name (like example.com)");
                }
                domains.add(domain.toLowerCase(Locale.ROOT));
            }
        }
        acceptedDomains = List.copyOf(domains);
    }

    /** A builder with {@code skipOwnMail} on and everything else off or empty. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    static boolean isRegex(String ignoredSender) {
        return ignoredSender.length() > 2 && ignoredSender.startsWith("/") && ignoredSender.endsWith("/");
    }

    /** @param key the component, as {@link RuleException#field()} names it; @param field the same in words */
    static Pattern compile(String rule, String key, String field, String regex) {
        if (regex == null) {
            return null;
        }
        try {
            return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw new RuleException(
                    key,
                    "rule '" + rule + "': the " + field + " is not a valid regular expression: "
                            + e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "") + " in "
                            + regex);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    public static final class Builder {
        private final String name;
        private int order;
        private String sender;
        private String recipient;
        private String subject;
        private String headerName;
        private String headerPattern;
        private List<String> ignoredSenders = List.of();
        private List<String> acceptedDomains = List.of();
        private boolean allowAutomatic;
        private boolean skipOwnMail = true;
        private String label;

        private Builder(String name) {
            this.name = name;
        }

        public Builder order(int order) {
            this.order = order;
            return this;
        }

        public Builder sender(String regex) {
            this.sender = regex;
            return this;
        }

        public Builder recipient(String regex) {
            this.recipient = regex;
            return this;
        }

        public Builder subject(String regex) {
            this.subject = regex;
            return this;
        }

        /** A header that must be present, its value matching {@code regex} ({@code null}: any value). */
        public Builder header(String name, String regex) {
            this.headerName = name;
            this.headerPattern = regex;
            return this;
        }

        public Builder ignoredSenders(String... senders) {
            this.ignoredSenders = List.of(senders);
            return this;
        }

        public Builder acceptedDomains(String... domains) {
            this.acceptedDomains = List.of(domains);
            return this;
        }

        public Builder allowAutomatic(boolean allow) {
            this.allowAutomatic = allow;
            return this;
        }

        public Builder skipOwnMail(boolean skip) {
            this.skipOwnMail = skip;
            return this;
        }

        public Builder label(String label) {
            this.label = label;
            return this;
        }

        /** @throws RuleException a pattern is invalid, and so on */
        public Rule build() {
            return new Rule(
                    Objects.requireNonNullElse(name, ""),
                    order,
                    sender,
                    recipient,
                    subject,
                    headerName,
                    headerPattern,
                    ignoredSenders,
                    acceptedDomains,
                    allowAutomatic,
                    skipOwnMail,
                    label);
        }
    }
}
