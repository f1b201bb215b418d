package dev.mailbridge.graph;

import java.util.List;
import java.util.Objects;

/** A message for {@link GraphClient#sendMail(OutgoingMail)}: Graph's JSON form ({@code From} is the mailbox). */
public record OutgoingMail(
        String subject, String body, boolean html, List<String> to, List<String> cc, boolean saveToSentItems) {
    public OutgoingMail {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
        to = List.copyOf(to);
        cc = cc == null ? List.of() : List.copyOf(cc);
        if (to.isEmpty() && cc.isEmpty()) {
            throw new IllegalArgumentException("A message needs at least one recipient");
        }
    }

    /** A plain-text message to some recipients, saved to Sent Items. */
    public static OutgoingMail text(String subject, String body, String... to) {
        return new OutgoingMail(subject, body, false, List.of(to), List.of(), true);
    }
}
