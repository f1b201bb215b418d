package dev.mailbridge.core.store;

import java.sql.SQLException;

/** A unique constraint refused the write (a name or address that is already taken). */
public final class DuplicateException extends RuntimeException {
    DuplicateException(SQLException cause) {
        super("already exists", cause);
    }
}
