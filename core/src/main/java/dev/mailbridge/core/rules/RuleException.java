package dev.mailbridge.core.rules;

import java.util.Optional;

/**
 * A rule or rule set is invalid; the message names the rule and the field and says what is wrong, and
 * {@link #field()} names the field the way the API and the form do ({@code senderPattern}, {@code
 * ignoredSenders[2]}), so that the problem can be shown at it.
 */
public final class RuleException extends RuntimeException {
    private final String field;

    public RuleException(String message) {
        this(null, message);
    }

    public RuleException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The {@link Rule} component at fault ({@code name}, {@code headerPattern}, ...), if one is. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
