package dev.mailbridge.graph;

import java.util.List;
import java.util.Optional;

/**
 * One page of {@code messages/delta}: the changes, and either the {@code nextLink} (more pages in this
 * round) or the {@code deltaLink} (the round is complete: store it as the folder's sync state).
 */
public record DeltaPage(List<Change> changes, String nextLink, String deltaLink) {

    public boolean last() {
        return deltaLink != null;
    }

    public Optional<String> syncState() {
        return Optional.ofNullable(deltaLink);
    }

    /** A message created or changed ({@code message} set), or removed from the folder ({@code removed}). */
    public record Change(String id, MailMessage message, String removedReason) {
        public boolean removed() {
            return removedReason != null;
        }
    }
}
