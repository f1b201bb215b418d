package dev.mailbridge.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mailbridge.core.rules.Rule;
import dev.mailbridge.core.rules.RuleException;
import dev.mailbridge.core.rules.RuleSet;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * A mailbox's rules ({@code mailbox_rule}): read as a {@link RuleSet} by the receive pipeline for every
 * message (so a change applies from the next message on, in every process), replaced as a whole by the
 * API and the UI. No rows is the empty rule set: every message is delivered but what loop protection
 * skips.
 */
public final class RuleStore {
    /** The longest name and label, and the longest pattern, the columns hold. */
    public static final int MAX_NAME = 200;

    public static final int MAX_PATTERN = 2000;

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final Jdbc jdbc;
    private final Clock clock;

    RuleStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The rules as given (by position), not yet sorted by their order. */
    public List<Rule> list(UUID mailboxId) {
        return jdbc.query("SELECT * FROM mailbox_rule WHERE mailbox_id=? ORDER BY position", RuleStore::map, mailboxId);
    }

    /** The mailbox's rule set; the empty rule set when it has no rules. */
    public RuleSet ruleSet(UUID mailboxId) {
        List<Rule> rules = list(mailboxId);
        return rules.isEmpty() ? RuleSet.empty() : new RuleSet(rules);
    }

    /**
     * Checks the rules as {@link #replace} would, without storing them.
     *
     * @throws RuleException the first problem, naming the rule and the field
     */
    public static RuleSet check(List<Rule> rules) {
        for (Rule r : rules) {
            length(r, "name", r.name(), MAX_NAME);
            length(r, "label", r.label(), MAX_NAME);
            length(r, "headerName", r.headerName(), MAX_NAME);
            length(r, "senderPattern", r.senderPattern(), MAX_PATTERN);
            length(r, "recipientPattern", r.recipientPattern(), MAX_PATTERN);
            length(r, "subjectPattern", r.subjectPattern(), MAX_PATTERN);
            length(r, "headerPattern", r.headerPattern(), MAX_PATTERN);
        }
        return new RuleSet(rules);
    }

    /**
     * Replaces the mailbox's rules with {@code rules} (empty: back to the empty rule set) in one
     * transaction.
     *
     * @throws RuleException a rule is invalid (nothing is changed)
     */
    public RuleSet replace(UUID mailboxId, List<Rule> rules) {
        RuleSet set = check(rules);
        jdbc.transaction(() -> {
            jdbc.update("DELETE FROM mailbox_rule WHERE mailbox_id=?", mailboxId);
            for (int i = 0; i < rules.size(); i++) {
                Rule r = rules.get(i);
                jdbc.update(
                        "INSERT INTO mailbox_rule (mailbox_id, position, name, rule_order, sender_pattern, "
                                + "recipient_pattern, subject_pattern, header_name, header_pattern, ignored_senders, "
                                + "accepted_domains, allow_automatic, skip_own_mail, label, updated_at) "
                                + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        mailboxId,
                        i,
                        r.name(),
                        r.order(),
                        r.senderPattern(),
                        r.recipientPattern(),
                        r.subjectPattern(),
                        r.headerName(),
                        r.headerPattern(),
                        json(r.ignoredSenders()),
                        json(r.acceptedDomains()),
                        r.allowAutomatic(),
                        r.skipOwnMail(),
                        r.label(),
                        clock.instant());
            }
            return null;
        });
        return set;
    }

    private static void length(Rule r, String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new RuleException(
                    field, "rule '" + r.name() + "': the " + field + " is longer than " + max + " characters");
        }
    }

    private static String json(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Rule map(ResultSet rs) throws SQLException {
        try {
            return new Rule(
                    rs.getString("name"),
                    rs.getInt("rule_order"),
                    rs.getString("sender_pattern"),
                    rs.getString("recipient_pattern"),
                    rs.getString("subject_pattern"),
                    rs.getString("header_name"),
                    rs.getString("header_pattern"),
                    JSON.readValue(rs.getString("ignored_senders"), STRINGS),
                    JSON.readValue(rs.getString("accepted_domains"), STRINGS),
                    rs.getBoolean("allow_automatic"),
                    rs.getBoolean("skip_own_mail"),
                    rs.getString("label"));
        } catch (JsonProcessingException e) {
            throw new SQLException("mailbox_rule holds a list that is not a JSON array of strings", e);
        }
    }
}
