package dev.mailbridge.ews;

import dev.mailbridge.ews.error.EwsResponseException;

/**
 * The result for one input of a batch: a value (ResponseClass Success or Warning) or an error.
 *
 * @param warning the ResponseCode of a Warning (e.g. ErrorNameResolutionMultipleResults), else null
 */
public record Outcome<T>(T value, EwsResponseException error, String warning) {
    public static <T> Outcome<T> success(T value, String warning) {
        return new Outcome<>(value, null, warning);
    }

    public static <T> Outcome<T> failure(EwsResponseException error) {
        return new Outcome<>(null, error, null);
    }

    public boolean ok() {
        return error == null;
    }

    /** The value, or the error thrown. */
    public T orThrow() {
        if (error != null) {
            throw error;
        }
        return value;
    }
}
