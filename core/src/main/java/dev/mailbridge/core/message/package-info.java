/**
 * Received mail as applications see it: {@link dev.mailbridge.core.message.MimeParser} turns a
 * message's MIME into a {@link dev.mailbridge.core.message.ReceivedMessage} (addresses, ids and
 * conversation, bodies, attachment metadata with SHA-256, headers, size, and an {@link
 * dev.mailbridge.core.message.AutoSubmitted} classification for loop protection), bounded against
 * hostile input; {@link dev.mailbridge.core.message.MimeParser#openAttachment} streams an attachment's
 * content out again for the API; {@link dev.mailbridge.core.message.MessageJson} is the JSON of the
 * {@code message.received} event (camelCase, ISO-8601 dates). Transport-neutral: nothing here knows
 * EWS.
 */
package dev.mailbridge.core.message;
