package dev.mailbridge.core.rules;

import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.store.RuleStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link Rule} as the API and the form give it: every field may be missing ({@code null}), nothing is
 * checked yet. {@link #check} turns a list of drafts into rules, or into one problem per field at fault,
 * named {@code rules[<index>].<field>} so that forms and API clients show each at its field.
 *
 * @param order defaults to 0
 * @param skipOwnMail defaults to {@code true} (loop protection)
 * @param allowAutomatic defaults to {@code false} (loop protection)
 */
public record RuleDraft(
        String name,
        Integer order,
        String senderPattern,
        String recipientPattern,
        String subjectPattern,
        String headerName,
        String headerPattern,
        List<String> ignoredSenders,
        List<String> acceptedDomains,
        Boolean allowAutomatic,
        Boolean skipOwnMail,
        String label) {

    public static RuleDraft of(Rule r) {
        return new RuleDraft(
                r.name(),
                r.order(),
                r.senderPattern(),
                r.recipientPattern(),
                r.subjectPattern(),
                r.headerName(),
                r.headerPattern(),
                r.ignoredSenders(),
                r.acceptedDomains(),
                r.allowAutomatic(),
                r.skipOwnMail(),
                r.label());
    }

    /** @throws RuleException the first problem of this rule alone */
    public Rule toRule() {
        Rule r = new Rule(
                Objects.requireNonNullElse(name, ""),
                order == null ? 0 : order,
                senderPattern,
                recipientPattern,
                subjectPattern,
                headerName,
                headerPattern,
                ignoredSenders,
                acceptedDomains,
                allowAutomatic != null && allowAutomatic,
                skipOwnMail == null || skipOwnMail,
                label);
        RuleStore.check(List.of(r));
        return r;
    }

    /** This draft with {@code field} (a component, or one entry of a list) emptied; null when it cannot be. */
    private RuleDraft without(String field) {
        String n = name;
        String sender = senderPattern;
        String recipient = recipientPattern;
        String subject = subjectPattern;
        String header = headerName;
        String headerValue = headerPattern;
        String l = label;
        List<String> senders = ignoredSenders;
        List<String> domains = acceptedDomains;
        java.util.regex.Matcher entry = java.util.regex.Pattern.compile("(ignoredSenders|acceptedDomains)\\[(\\d+)]")
                .matcher(field);
        if (entry.matches()) {
            boolean ignored = entry.group(1).equals("ignoredSenders");
            List<String> list = new ArrayList<>(ignored ? senders : domains);
            int at = Integer.parseInt(entry.group(2));
            if (at >= list.size()) {
                return null;
            }
            list.set(at, ""); // blank entries are left out, so the indexes of the others stay
            senders = ignored ? list : senders;
            domains = ignored ? domains : list;
        } else {
            switch (field) {
                case "senderPattern" -> sender = null;
                case "recipientPattern" -> recipient = null;
                case "subjectPattern" -> subject = null;
                case "headerName", "headerPattern" -> {
                    header = null;
                    headerValue = null;
                }
                case "label" -> l = null;
                case "name" -> {
                    if (name != null && !name.isBlank() && name.length() <= RuleStore.MAX_NAME) {
                        return null;
                    }
                    n = "rule";
                }
                default -> {
                    return null;
                }
            }
        }
        return new RuleDraft(
                n,
                order,
                sender,
                recipient,
                subject,
                header,
                headerValue,
                senders,
                domains,
                allowAutomatic,
                skipOwnMail,
                l);
    }

    /** The outcome of {@link #check}: the rules when {@code problems} is empty. */
    public record Checked(List<Rule> rules, List<FieldError> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    /** Checks every draft (a bad one does not hide the next one's problem) and that names are unique. */
    public static Checked check(List<RuleDraft> drafts) {
        List<Rule> rules = new ArrayList<>();
        List<FieldError> problems = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < drafts.size(); i++) {
            String prefix = "rules[" + i + "].";
            RuleDraft d = drafts.get(i);
            if (d == null) {
                problems.add(new FieldError("rules[" + i + "]", "Give the rule as an object with at least a name."));
                continue;
            }
            // names count even when the rest of their rule is wrong
            String name = d.name() == null ? "" : d.name().strip();
            Integer first = name.isEmpty() ? null : names.putIfAbsent(name.toLowerCase(Locale.ROOT), i);
            if (first != null) {
                problems.add(new FieldError(
                        prefix + "name",
                        "Rule " + (first + 1) + " is already called '" + name + "'; give each rule its own name."));
            }
            // a rule stops at its first problem: clear the field at fault and try again, to find every one
            RuleDraft attempt = d;
            for (int tries = 0; tries < 32; tries++) {
                try {
                    Rule r = attempt.toRule();
                    if (attempt == d) {
                        rules.add(r);
                    }
                    break;
                } catch (RuleException e) {
                    String field = e.field().orElse("name");
                    problems.add(new FieldError(prefix + field, sentence(e.getMessage())));
                    RuleDraft next = attempt.without(field);
                    if (next == null) {
                        break;
                    }
                    attempt = next;
                }
            }
        }
        return new Checked(List.copyOf(rules), List.copyOf(problems));
    }

    private static String sentence(String s) {
        String t = s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
        return t.endsWith(".") ? t : t + ".";
    }
}
