/**
 * Delivery: the transactional outbox and the deliverers that take events from it to webhooks and RabbitMQ.
 *
 * <h2>What</h2>
 *
 * <ul>
 *   <li>{@link dev.mailbridge.core.deliver.DeliveryTargetStore} keeps the targets ({@code delivery_target}):
 *       a webhook URL with its HMAC secret, or an AMQP URI with its password and exchange; secrets sealed by
 *       the vault with the context {@code delivery_target/<id>/secret}.
 *   <li>{@link dev.mailbridge.core.deliver.Outbox} ({@code outbox}) holds one row per event and target.
 *       {@link dev.mailbridge.core.deliver.Outbox#enqueue} joins the caller's transaction, so the sync engine
 *       writes the event in the same transaction as the new sync state: either both are committed or
 *       neither.
 *   <li>{@link dev.mailbridge.core.deliver.DeliveryWorker} claims due rows under a lease and hands them to a
 *       {@link dev.mailbridge.core.deliver.Deliverer}: {@link dev.mailbridge.core.deliver.WebhookDeliverer}
 *       or {@link dev.mailbridge.core.deliver.RabbitDeliverer}.
 *   <li>Events ({@link dev.mailbridge.core.deliver.EventType}): {@code message.received}, {@code
 *       message.sent}, {@code message.failed}, {@code mailbox.auth_expiring}, {@code mailbox.auth_failed},
 *       {@code mailbox.connection_failed}. The body is the {@link dev.mailbridge.core.deliver.Envelope}:
 *       {@code {"id", "type", "created_at", "mailbox_id", "data"}}, the same bytes on every attempt.
 * </ul>
 *
 * <h2>Webhook requests</h2>
 *
 * <pre>
 * POST &lt;target url&gt;
 * Content-Type: application/json
 * Mailbridge-Event: message.received
 * Mailbridge-Delivery: 4711                       (the outbox row id)
 * Idempotency-Key: mb_Yc3...                     (the same on every attempt of this event)
 * Mailbridge-Timestamp: 1767225600               (unix seconds of this attempt)
 * Mailbridge-Signature: t=1767225600,v1=5257a8...
 * </pre>
 *
 * <p>{@code v1} is the lowercase hex HMAC-SHA256, keyed with the target's secret (UTF-8), of the timestamp,
 * a dot and the raw body: {@code HMAC(secret, "1767225600." + body)}. A receiver recomputes it over the raw
 * bytes, compares in constant time, refuses timestamps outside its tolerance (5 minutes is usual), and
 * de-duplicates on {@code Idempotency-Key}. {@link dev.mailbridge.core.deliver.WebhookSignature#verify} does
 * the first three for Java receivers.
 *
 * <p>Answers: 2xx is delivered. 410 Gone makes the event dead at once. 408, 429, 5xx, timeouts and
 * connection or TLS errors are retried, honouring {@code Retry-After} (up to the back-off cap). Any other
 * status is retried too, up to the attempt limit, with the status and the start of the body in the row's
 * {@code last_error}. Redirects are not followed; TLS certificates are verified.
 *
 * <h2>RabbitMQ messages</h2>
 *
 * <p>Published to the exchange (default {@code mailbridge}, a durable topic exchange declared on first use)
 * with the routing key = the event's wire name (or the target's fixed key), {@code mandatory}, persistent,
 * {@code message_id} = the idempotency key, {@code type} = the event, content type {@code application/json},
 * and the headers {@code Mailbridge-Event}, {@code Mailbridge-Delivery}, {@code Idempotency-Key}. A publisher
 * confirm is delivered; a nack, no confirm within the timeout, a broken connection, or a message returned
 * as unroutable (no queue bound for it) is retried.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>Nothing is lost.</b> An event exists once its transaction committed and stays until its target
 *       acknowledged it or it is dead, and dead events stay listed until replayed ({@link
 *       dev.mailbridge.core.deliver.Outbox#replay}). A worker killed mid-delivery leaves a lease that runs
 *       out; then another worker (or the restarted one) claims the row again.
 *   <li><b>At least once, repeated only after an interruption.</b> A row is leased to one worker at a time
 *       (PostgreSQL: {@code FOR UPDATE SKIP LOCKED}; H2: a compare-and-set per row), so while leases are
 *       valid no two workers deliver the same row. An event arrives again only when an attempt was
 *       interrupted before its acknowledgement was recorded (a crash between the receiver's 2xx and the
 *       {@code DELIVERED} update, a delivery that outlasted its lease) or when the receiver answered with an
 *       error after processing. Every repeat carries the same {@code Idempotency-Key}.
 *   <li><b>Enqueue is idempotent.</b> The idempotency key is unique per target; enqueuing a known key is a
 *       no-op, so a re-sync that finds a message again delivers nothing new. {@link
 *       dev.mailbridge.core.deliver.OutboxEvent#keyOf} derives a stable key from the event's identity.
 *   <li><b>Retries.</b> Every claim counts as an attempt (so an event that crashes the process cannot loop
 *       forever). After a failure the row waits a random time in {@code [0, min(cap, base * 2^(n-1))]}
 *       (full jitter; base 5 s, cap 1 h) and is dead after 12 attempts; both configurable in {@link
 *       dev.mailbridge.core.deliver.Outbox.Options}.
 *   <li><b>No ordering.</b> Events are delivered roughly in the order they were enqueued, but retries and
 *       parallel workers reorder them; receivers order by {@code created_at} if they need to.
 *   <li>Secrets never appear in logs, errors or the database in clear; payloads never appear in logs.
 * </ul>
 */
package dev.mailbridge.core.deliver;
