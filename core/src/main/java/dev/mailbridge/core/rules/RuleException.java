package dev.mailbridge.core.rules;

/** A rule or rule set is invalid; the message names the rule and the field and says what is wrong. */
public final class RuleException extends RuntimeException {
    public RuleException(String message) {
        super(message);
    }
}
