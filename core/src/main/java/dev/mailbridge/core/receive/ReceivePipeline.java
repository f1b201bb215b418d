package dev.mailbridge.core.receive;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.core.deliver.EventType;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.deliver.OutboxEvent;
import dev.mailbridge.core.message.MessageJson;
import dev.mailbridge.core.message.MessageParseException;
import dev.mailbridge.core.message.MimeParser;
import dev.mailbridge.core.message.ReceivedMessage;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.rules.Decision;
import dev.mailbridge.core.rules.RuleSet;
import dev.mailbridge.core.sync.MessageSink;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * What happens to each newly synced message: parsed from its MIME, judged by the mailbox's rules, and
 * if delivered, queued as {@code message.received} for every delivery target, all inside the sync's
 * transaction (so "received" and "queued" commit together). The idempotency key is the mailbox and the
 * item ID: every attempt of every target carries the same key for the same message. With an {@link
 * AfterDelivery}, a message queued for at least one target is also registered there (same transaction,
 * same key, with its item ID) for the action on the original once delivered. With {@link
 * #keepingMessagesIn}, every parsed message is kept with its MIME and the event carries the kept
 * message's ID as {@code receivedId}. A message that cannot be parsed becomes {@code message.failed}
 * instead ({@link #failed}), and its original goes to the failed folder.
 */
public final class ReceivePipeline implements MessageSink {
    private final MimeParser parser;
    private final Function<UUID, RuleSet> rules;
    private final Outbox outbox;
    private final AfterDelivery afterDelivery;
    private ReceivedMessages received;

    /** @param rules the rule set of a mailbox (by mailbox ID) */
    public ReceivePipeline(MimeParser parser, Function<UUID, RuleSet> rules, Outbox outbox) {
        this(parser, rules, outbox, null);
    }

    /**
     * @param rules the rule set of a mailbox (by mailbox ID)
     * @param afterDelivery where queued messages are registered for the action on their original; null for
     *     none
     */
    public ReceivePipeline(
            MimeParser parser, Function<UUID, RuleSet> rules, Outbox outbox, AfterDelivery afterDelivery) {
        this.parser = Objects.requireNonNull(parser);
        this.rules = Objects.requireNonNull(rules);
        this.outbox = Objects.requireNonNull(outbox);
        this.afterDelivery = afterDelivery;
    }

    /** Also keeps every parsed message (delivered or skipped) for "wait for a message" and the API. */
    public ReceivePipeline keepingMessagesIn(ReceivedMessages store) {
        this.received = store;
        return this;
    }

    /** The stable key of a received message: the same on every attempt and after any resync. */
    public static String key(UUID mailboxId, String itemId) {
        return OutboxEvent.keyOf(EventType.MESSAGE_RECEIVED.wireName(), mailboxId.toString(), itemId);
    }

    @Override
    public void accept(Mailbox mailbox, String itemId, Path mime) throws Exception {
        ReceivedMessage message;
        try (InputStream in = Files.newInputStream(mime)) {
            message = parser.parse(in, mailbox.address(), itemId);
        } catch (MessageParseException e) {
            throw new Rejected("the message cannot be parsed: " + e.getMessage(), e);
        }
        Decision decision = rules.apply(mailbox.id()).evaluate(message);
        ObjectNode data = MessageJson.mapper().valueToTree(message);
        data.put("label", decision.label());
        data.put("rule", decision.rule());
        if (received != null) {
            long id = received.record(
                    mailbox.id(), message, decision, MessageJson.mapper().writeValueAsString(data), mime);
            // The kept message's ID: attachments, reply and forward through the API name it.
            data.put("receivedId", id);
        }
        if (!decision.deliver()) {
            return;
        }
        String key = key(mailbox.id(), itemId);
        List<Outbox.Enqueued> queued = outbox.enqueueToAll(OutboxEvent.of(
                EventType.MESSAGE_RECEIVED,
                key,
                mailbox.id(),
                MessageJson.mapper().writeValueAsString(data)));
        if (afterDelivery != null && !queued.isEmpty()) {
            afterDelivery.register(mailbox.id(), key, itemId);
        }
    }

    /**
     * A message that cannot be processed: {@code message.failed} for every target that takes it (the item
     * id, folder and reason, so nothing is silently dropped), and with an {@link AfterDelivery} the
     * original is moved to the folder mapped to FAILED (left where it is when none is mapped).
     */
    @Override
    public void failed(Mailbox mailbox, String itemId, String folder, String code, String reason) throws Exception {
        ObjectNode data = MessageJson.mapper().createObjectNode();
        data.put("mailboxId", mailbox.id().toString());
        data.put("address", mailbox.address());
        data.put("itemId", itemId);
        data.put("folder", folder);
        data.put("code", code);
        data.put("reason", reason);
        data.put(
                "advice",
                afterDelivery == null
                        ? "The original is left in the mailbox."
                        : "The original is moved to the folder mapped to Failed (left in place when none is mapped).");
        String key = OutboxEvent.keyOf(
                EventType.MESSAGE_FAILED.wireName(), mailbox.id().toString(), itemId);
        outbox.enqueueToAll(OutboxEvent.of(EventType.MESSAGE_FAILED, key, mailbox.id(), data.toString()));
        if (afterDelivery != null) {
            afterDelivery.registerFailed(mailbox.id(), key, itemId);
        }
    }
}
