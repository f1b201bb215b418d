package dev.mailbridge.server.web;

import dev.mailbridge.graph.GraphNotifications;
import dev.mailbridge.server.ReceiveScheduler;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where Microsoft Graph posts change and lifecycle notifications of the Graph mailboxes' subscriptions
 * ({@code mailbridge.public-base-url} plus {@code /graph/notifications}). Open to anyone (see {@link
 * dev.mailbridge.server.security.SecurityConfig}): Graph sends no credentials, and the core ignores every
 * notification whose clientState is not its subscription's. Graph wants the validation handshake answered
 * within 10 s and notifications within 3 s, so nothing here waits for Graph or a sync.
 */
@RestController
class GraphNotificationController {
    private final ReceiveScheduler receiver;

    GraphNotificationController(ReceiveScheduler receiver) {
        this.receiver = receiver;
    }

    @PostMapping("/graph/notifications")
    ResponseEntity<String> notification(HttpServletRequest request) throws IOException {
        Optional<String> token = GraphNotifications.validationToken(request.getQueryString());
        if (token.isPresent()) {
            // the handshake before a subscription exists: the decoded token, as plain text
            return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(token.get());
        }
        try {
            receiver.graphNotification(request.getInputStream());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            return ResponseEntity.badRequest()
                    .contentType(MediaType.TEXT_PLAIN)
                    .body("Not a Microsoft Graph notification: " + e.getMessage()
                            + " Only Microsoft Graph posts here, a JSON body with a \"value\" array.");
        }
        return ResponseEntity.accepted().build();
    }
}
