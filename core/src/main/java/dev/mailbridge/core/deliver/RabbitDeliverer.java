package dev.mailbridge.core.deliver;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.mailbridge.identity.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers to RabbitMQ: publishes the {@link Envelope} to the target's exchange (default {@value
 * #DEFAULT_EXCHANGE}, a durable topic exchange declared on first use) with the event's wire name as routing
 * key, persistent, {@code message_id} = the idempotency key, {@code type} = the event, content type {@code
 * application/json}, and waits for the publisher confirm. A confirm is delivered; a nack, a timeout, a
 * broken connection or an unroutable message (published {@code mandatory}: no queue is bound for it) are
 * retried.
 *
 * <p>One connection per target, kept open; a channel in confirm mode per delivery thread at a time (pooled).
 */
public final class RabbitDeliverer implements Deliverer {
    public static final String DEFAULT_EXCHANGE = "mailbridge";
    private static final Logger log = LoggerFactory.getLogger(RabbitDeliverer.class);

    private final Duration confirmTimeout;
    private final Map<String, Broker> brokers = new ConcurrentHashMap<>();

    public RabbitDeliverer() {
        this(Duration.ofSeconds(10));
    }

    public RabbitDeliverer(Duration confirmTimeout) {
        this.confirmTimeout = confirmTimeout;
    }

    @Override
    public TargetKind kind() {
        return TargetKind.RABBITMQ;
    }

    /** The routing key for {@code entry}: the target's fixed key, or the event's wire name. */
    public static String routingKey(DeliveryTarget target, OutboxEntry entry) {
        return target.routingKey().orElse(entry.eventType().wireName());
    }

    @Override
    public DeliveryResult deliver(OutboxEntry entry, DeliveryTarget target, Optional<Secret> password)
            throws InterruptedException {
        String exchange = target.exchange().orElse(DEFAULT_EXCHANGE);
        String routingKey = routingKey(target, entry);
        String where = "exchange '" + exchange + "' on " + hostOf(target.url());
        // one broker (connection) per target and settings; a connection that failed (for example after a
        // password change) is dropped and the next attempt connects with the current password
        String brokerKey = target.id() + "|" + target.url() + "|" + exchange;
        Broker broker = brokers.computeIfAbsent(brokerKey, k -> new Broker(target.url(), password, exchange));
        Pooled ch = null;
        try {
            ch = broker.channel();
            byte[] body = Envelope.of(entry).getBytes(StandardCharsets.UTF_8);
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .contentEncoding("utf-8")
                    .deliveryMode(2)
                    .messageId(entry.idempotencyKey())
                    .type(entry.eventType().wireName())
                    .appId("mailbridge")
                    .timestamp(new Date())
                    .headers(Map.of(
                            "Mailbridge-Event", entry.eventType().wireName(),
                            "Mailbridge-Delivery", Long.toString(entry.id()),
                            "Idempotency-Key", entry.idempotencyKey()))
                    .build();
            ch.returned.remove(entry.idempotencyKey());
            ch.channel.basicPublish(exchange, routingKey, true, props, body);
            boolean acked = ch.channel.waitForConfirms(confirmTimeout.toMillis());
            if (!acked) {
                return retry("the broker refused (nacked) the message on " + where);
            }
            if (ch.returned.remove(entry.idempotencyKey())) {
                return retry("no queue is bound to " + where + " for routing key '" + routingKey
                        + "'; the message was returned unroutable");
            }
            return new DeliveryResult.Delivered(Optional.empty());
        } catch (TimeoutException e) {
            broker.discard(ch);
            ch = null;
            return retry("no publisher confirm from " + where + " within " + confirmTimeout.toSeconds() + " s");
        } catch (IOException | RuntimeException e) {
            // channel or connection errors (a missing exchange, a wrong password, a broker restart)
            broker.discard(ch);
            ch = null;
            if (!broker.isOpen()) {
                brokers.remove(brokerKey, broker);
                broker.close();
            }
            return retry("publishing to " + where + " failed: " + describe(e));
        } finally {
            if (ch != null) {
                broker.giveBack(ch);
            }
        }
    }

    @Override
    public void close() {
        brokers.values().forEach(Broker::close);
        brokers.clear();
    }

    private static DeliveryResult retry(String error) {
        return new DeliveryResult.Retry(error, Optional.empty(), Optional.empty());
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof IOException)) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private static String hostOf(String uri) {
        try {
            URI u = URI.create(uri);
            return u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException e) {
            return "the broker";
        }
    }

    /** A confirm-mode channel and the message ids the broker returned as unroutable on it. */
    private static final class Pooled {
        final Channel channel;
        final Set<String> returned = ConcurrentHashMap.newKeySet();

        Pooled(Channel channel) {
            this.channel = channel;
            channel.addReturnListener(r -> {
                if (r.getProperties().getMessageId() != null) {
                    returned.add(r.getProperties().getMessageId());
                }
            });
        }
    }

    private static final class Broker {
        private final String uri;
        private final Optional<Secret> password;
        private final String exchange;
        private final LinkedBlockingQueue<Pooled> idle = new LinkedBlockingQueue<>();
        private volatile Connection connection;

        Broker(String uri, Optional<Secret> password, String exchange) {
            this.uri = uri;
            this.password = password;
            this.exchange = exchange;
        }

        synchronized Connection connection() throws IOException {
            if (connection == null || !connection.isOpen()) {
                ConnectionFactory f = new ConnectionFactory();
                try {
                    f.setUri(uri);
                } catch (Exception e) {
                    throw new IOException("the RabbitMQ URI is not usable: " + e.getMessage());
                }
                password.ifPresent(p -> f.setPassword(p.reveal()));
                f.setAutomaticRecoveryEnabled(false);
                f.setConnectionTimeout(10_000);
                f.setRequestedHeartbeat(30);
                try {
                    connection = f.newConnection("mailbridge");
                } catch (TimeoutException e) {
                    throw new IOException("connecting to RabbitMQ timed out", e);
                }
                idle.clear();
                if (!exchange.isEmpty()) {
                    try (Channel c = connection.createChannel()) {
                        c.exchangeDeclare(exchange, "topic", true);
                    } catch (TimeoutException e) {
                        throw new IOException("declaring the exchange timed out", e);
                    }
                }
            }
            return connection;
        }

        Pooled channel() throws IOException {
            Pooled p;
            while ((p = idle.poll()) != null) {
                if (p.channel.isOpen()) {
                    return p;
                }
            }
            Channel c = connection().createChannel();
            c.confirmSelect();
            return new Pooled(c);
        }

        void giveBack(Pooled p) {
            if (p.channel.isOpen()) {
                idle.offer(p);
            }
        }

        void discard(Pooled p) {
            if (p != null) {
                try {
                    p.channel.abort();
                } catch (IOException | RuntimeException e) {
                    // closing a broken channel: nothing to do
                }
            }
        }

        boolean isOpen() {
            Connection c = connection;
            return c != null && c.isOpen();
        }

        synchronized void close() {
            Connection c = connection;
            connection = null;
            idle.clear();
            if (c != null) {
                try {
                    c.close(5_000);
                } catch (IOException | RuntimeException e) {
                    log.debug("closing the RabbitMQ connection failed: {}", e.toString());
                }
            }
        }
    }
}
