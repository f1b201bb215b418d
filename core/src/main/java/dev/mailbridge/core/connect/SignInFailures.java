package dev.mailbridge.core.connect;

import dev.mailbridge.core.model.HistoryEvent;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.store.HistoryStore;
import dev.mailbridge.identity.failure.FailureCategory;
import dev.mailbridge.identity.failure.SignInFailure;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** How a sign-in failure shows in Mailbridge: the mailbox status it leads to, its code, the field to fix. */
final class SignInFailures {
    private static final Set<Integer> REVOKED = Set.of(50173, 70043, 50133);
    private static final Set<Integer> SIGN_IN_AGAIN = Set.of(700082, 70008, 54005, 65001, 50076, 50078, 50079);

    private SignInFailures() {}

    static MailboxStatus statusFor(SignInFailure f) {
        Optional<Integer> code = f.code();
        if (code.isPresent() && REVOKED.contains(code.get())) {
            return MailboxStatus.REVOKED;
        }
        if (code.isPresent() && SIGN_IN_AGAIN.contains(code.get())) {
            return MailboxStatus.REAUTHORIZATION_REQUIRED;
        }
        if (f.category() == FailureCategory.REAUTHORIZE) {
            return MailboxStatus.REAUTHORIZATION_REQUIRED;
        }
        return MailboxStatus.FAILING;
    }

    static Optional<String> code(SignInFailure f) {
        return f.code().map(c -> "AADSTS" + c);
    }

    /** The connection field a person should change, when the failure points at one. */
    static Optional<String> field(SignInFailure f) {
        return f.code().flatMap(c -> switch (c) {
            case 7000215, 7000222, 7000216 -> Optional.of("clientSecret");
            case 700027, 700024, 1000502 -> Optional.of("certificatePem");
            case 700016, 70001, 700038 -> Optional.of("clientId");
            case 90002, 900023, 90023 -> Optional.of("tenantId");
            case 50011, 500113 -> Optional.of("redirectUri");
            default -> Optional.empty();
        });
    }

    /** "What happened. What to do." in one line for status messages. */
    static String summary(SignInFailure f) {
        return code(f).map(c -> c + ": ").orElse("") + f.plainMessage() + " " + f.fix();
    }

    static HistoryStore.Entry history(
            UUID connectionId, UUID mailboxId, HistoryEvent.Kind kind, String what, SignInFailure f) {
        return HistoryStore.event(
                        connectionId, mailboxId, kind, HistoryEvent.Outcome.FAILED, what + ": " + f.plainMessage())
                .code(code(f).orElse(f.error()))
                .detail("Microsoft said: " + f.entraDescription() + "\nWhat to do: " + f.fix())
                .ids(f.traceId(), f.correlationId());
    }
}
