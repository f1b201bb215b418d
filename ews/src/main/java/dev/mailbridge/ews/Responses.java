package dev.mailbridge.ews;

import java.util.ArrayList;
import java.util.List;

/** One {@link Outcome} per input of a batch operation, in request order. */
public record Responses<T>(List<Outcome<T>> outcomes) {
    public Responses {
        outcomes = List.copyOf(outcomes);
    }

    public int size() {
        return outcomes.size();
    }

    public Outcome<T> get(int index) {
        return outcomes.get(index);
    }

    /** All values; throws the first error if any input failed. */
    public List<T> values() {
        List<T> out = new ArrayList<>(outcomes.size());
        for (Outcome<T> o : outcomes) {
            out.add(o.orThrow());
        }
        return out;
    }

    /** The only value of a single-input request (throws its error). */
    public T single() {
        if (outcomes.isEmpty()) {
            throw new dev.mailbridge.ews.error.EwsProtocolException(
                    "Exchange returned no response message.", 200, null);
        }
        return outcomes.get(0).orThrow();
    }

    public boolean allOk() {
        return outcomes.stream().allMatch(Outcome::ok);
    }
}
