/**
 * Sending mail from a mailbox: {@link dev.mailbridge.core.send.MailSender} composes an {@link
 * dev.mailbridge.core.send.OutgoingMessage} as RFC 5322 MIME (Angus Mail), or takes the caller's raw MIME,
 * marks it with {@code X-Mailbridge-Sent} (loop protection), sends it with EWS CreateItem SendAndSaveCopy (a
 * copy in Sent Items) under a per-mailbox sliding-window rate limit, and queues a {@code message.sent} event.
 */
package dev.mailbridge.core.send;
