package dev.mailbridge.core.deliver;

/** How a delivery target is reached. */
public enum TargetKind {
    /** An HTTPS (or, for local receivers, HTTP) URL that receives signed JSON POSTs. */
    WEBHOOK,
    /** A RabbitMQ exchange, published to with publisher confirms. */
    RABBITMQ
}
