package dev.mailbridge.core.deliver;

import dev.mailbridge.core.store.Database;
import dev.mailbridge.core.store.TestDatabases;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.Vault;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/** A fresh database with the delivery stores; retries in milliseconds so tests run fast. */
final class Fixture implements AutoCloseable {
    static final Outbox.Options FAST =
            new Outbox.Options(4, new Backoff(Duration.ofMillis(20), Duration.ofMillis(100)));

    final Database db;
    final Vault vault = new Vault(KeyRing.of(KeyRing.newKey()));
    final Clock clock = Clock.systemUTC();
    final DeliveryTargetStore targets;
    final Outbox outbox;

    Fixture(TestDatabases.Kind kind) {
        this(kind, FAST);
    }

    Fixture(TestDatabases.Kind kind, Outbox.Options options) {
        this.db = TestDatabases.open(kind);
        this.targets = new DeliveryTargetStore(db, vault, clock);
        this.outbox = new Outbox(db, clock, options);
    }

    /** Another process's view of the same database: its own outbox instance. */
    Outbox otherOutbox() {
        return new Outbox(db, clock, outbox.options());
    }

    static OutboxEvent event(EventType type, String messageId, UUID mailbox) {
        return OutboxEvent.of(
                type,
                OutboxEvent.keyOf(type.wireName(), mailbox.toString(), messageId),
                mailbox,
                "{\"message_id\":\"" + messageId + "\",\"subject\":\"Printer on floor 3 is jammed\"}");
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        db.close();
    }
}
