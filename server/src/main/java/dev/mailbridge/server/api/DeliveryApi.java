package dev.mailbridge.server.api;

import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.deliver.DeliveryTarget;
import dev.mailbridge.core.deliver.DeliveryTargetStore;
import dev.mailbridge.core.deliver.EventType;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.deliver.OutboxEntry;
import dev.mailbridge.core.deliver.OutboxState;
import dev.mailbridge.core.deliver.TargetKind;
import dev.mailbridge.core.deliver.WebhookSignature;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.server.api.ApiModels.CreatedDeliveryTarget;
import dev.mailbridge.server.api.ApiModels.DeadLetterView;
import dev.mailbridge.server.api.ApiModels.DeliveryTargetRequest;
import dev.mailbridge.server.api.ApiModels.DeliveryTargetView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Delivery targets (webhooks, RabbitMQ) and the dead-letter list with replay. */
@RestController
@Tag(name = ApiDocs.DELIVERY)
class DeliveryApi {
    private final DeliveryTargetStore targets;
    private final Outbox outbox;
    private final Stores stores;

    DeliveryApi(DeliveryTargetStore targets, Outbox outbox, Stores stores) {
        this.targets = targets;
        this.outbox = outbox;
        this.stores = stores;
    }

    @GetMapping(path = "/api/v1/delivery-targets", produces = "application/json")
    @Operation(summary = "List the delivery targets")
    List<DeliveryTargetView> list() {
        return targets.list().stream().map(DeliveryTargetView::of).toList();
    }

    @PostMapping(path = "/api/v1/delivery-targets", consumes = "application/json", produces = "application/json")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Create a delivery target",
            description = "Every event from now on is queued for it (filtered by eventTypes). A webhook without a "
                    + "secret gets a generated one, returned once as generatedSecret. Bad input: 400 per field; a "
                    + "name in use: 409.")
    CreatedDeliveryTarget create(@RequestBody DeliveryTargetRequest request) {
        List<FieldError> errors = new ArrayList<>();
        if (request.name() == null || request.name().isBlank()) {
            errors.add(new FieldError("name", "Enter a name for the delivery target."));
        }
        if (request.kind() == null) {
            errors.add(new FieldError("kind", "Choose WEBHOOK or RABBITMQ."));
        }
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        if (request.eventTypes() != null) {
            for (String t : request.eventTypes()) {
                EventType.fromWireName(t == null ? "" : t.strip())
                        .ifPresentOrElse(
                                types::add,
                                () -> errors.add(new FieldError(
                                        "eventTypes",
                                        "\"" + t + "\" is not an event type; use message.received, message.sent, "
                                                + "message.failed, mailbox.auth_expiring, mailbox.auth_failed or "
                                                + "mailbox.connection_failed.")));
            }
        }
        String urlField = request.kind() == TargetKind.RABBITMQ ? "uri" : "url";
        String address = request.kind() == TargetKind.RABBITMQ ? request.uri() : request.url();
        if (address == null || address.isBlank()) {
            address = request.url() != null && !request.url().isBlank() ? request.url() : request.uri();
        }
        if (request.kind() != null && (address == null || address.isBlank())) {
            errors.add(new FieldError(
                    urlField,
                    request.kind() == TargetKind.RABBITMQ
                            ? "Enter the broker's URI, like amqps://user@host:5671/vhost."
                            : "Enter the URL events are POSTed to, like https://desk.example.com/hook."));
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        String generated = null;
        DeliveryTargetStore.Settings settings;
        if (request.kind() == TargetKind.WEBHOOK) {
            String secret = request.secret() == null ? "" : request.secret().strip();
            if (secret.isEmpty()) {
                secret = generated = WebhookSignature.newSecret();
            }
            settings = DeliveryTargetStore.Settings.webhook(request.name(), address, Secret.of(secret));
        } else {
            settings = DeliveryTargetStore.Settings.rabbit(
                            request.name(),
                            address,
                            request.password() == null || request.password().isEmpty()
                                    ? null
                                    : Secret.of(request.password()),
                            blankToNull(request.exchange()))
                    .withRoutingKey(blankToNull(request.routingKey()));
        }
        DeliveryTarget created;
        try {
            created = targets.create(settings.withEventTypes(types));
        } catch (IllegalArgumentException e) {
            throw ValidationException.of(fieldOf(e.getMessage(), urlField), e.getMessage());
        }
        stores.audit()
                .record(
                        Actor.current(),
                        "delivery-target.create",
                        "delivery-target/" + created.id(),
                        created.name() + " (" + created.kind() + ")");
        return new CreatedDeliveryTarget(DeliveryTargetView.of(created), generated);
    }

    @GetMapping(path = "/api/v1/delivery-targets/{id}", produces = "application/json")
    @Operation(summary = "Get a delivery target")
    DeliveryTargetView get(@PathVariable UUID id) {
        return DeliveryTargetView.of(target(id));
    }

    @DeleteMapping("/api/v1/delivery-targets/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(
            summary = "Delete a delivery target",
            description = "Its queued, delivered and dead events are deleted with it.")
    void delete(@PathVariable UUID id) {
        DeliveryTarget t = target(id);
        targets.delete(id);
        stores.audit().record(Actor.current(), "delivery-target.delete", "delivery-target/" + id, t.name());
    }

    @GetMapping(path = "/api/v1/dead-letters", produces = "application/json")
    @Operation(
            summary = "The dead-letter list, newest first",
            description = "Events whose delivery gave up: the attempts ran out, or the receiver answered 410. "
                    + "Optionally for one mailbox. The event's content is not listed.")
    List<DeadLetterView> deadLetters(
            @RequestParam(required = false) UUID mailboxId,
            @RequestParam(defaultValue = "0") int offset,
            @RequestParam(defaultValue = "100") int limit) {
        return outbox
                .deadLetters(Optional.ofNullable(mailboxId), Math.max(0, offset), ConnectionsApi.clamp(limit))
                .stream()
                .map(DeadLetterView::of)
                .toList();
    }

    @PostMapping(path = "/api/v1/dead-letters/{id}/replay", produces = "application/json")
    @Operation(
            summary = "Replay a dead letter",
            description = "Queues the event again, due now, with its attempts reset and the same idempotency key. "
                    + "404 for an unknown ID, 409 when the event is not dead.")
    DeadLetterView replay(@PathVariable long id) {
        OutboxEntry e = outbox.get(id).orElseThrow(() -> new NotFoundException("dead letter", id));
        if (e.state() != OutboxState.DEAD || !outbox.replay(id)) {
            throw new ApiProblems.Conflict(
                    "Event " + id + " is not in the dead-letter list (it is " + e.state() + ").", List.of());
        }
        stores.audit()
                .record(
                        Actor.current(),
                        "dead-letter.replay",
                        "outbox/" + id,
                        e.eventType().wireName());
        return DeadLetterView.of(outbox.get(id).orElseThrow());
    }

    private DeliveryTarget target(UUID id) {
        return targets.get(id).orElseThrow(() -> new NotFoundException("delivery target", id));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Which field a message of the core's validation is about. */
    private static String fieldOf(String message, String urlField) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.startsWith("enter a name")) {
            return "name";
        }
        if (m.contains("signing secret")) {
            return "secret";
        }
        if (m.startsWith("leave the password out")) {
            return "uri";
        }
        return urlField;
    }
}
