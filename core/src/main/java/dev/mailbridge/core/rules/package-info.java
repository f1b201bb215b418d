/**
 * Which received messages reach the application: a mailbox's {@link dev.mailbridge.core.rules.RuleSet}
 * of {@link dev.mailbridge.core.rules.Rule}s (regular expressions on sender, recipients, subject and
 * headers; ignored senders; accepted domains; a label or route per rule) evaluated against a {@link
 * dev.mailbridge.core.message.ReceivedMessage} into a {@link dev.mailbridge.core.rules.Decision} with a
 * reason in words. Loop protection lives here: auto-replies, bounces, automatic messages and
 * Mailbridge's own mail are skipped unless a rule allows them.
 */
package dev.mailbridge.core.rules;
