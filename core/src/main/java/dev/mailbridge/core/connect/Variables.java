package dev.mailbridge.core.connect;

import dev.mailbridge.identity.Secret;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Custom variables in connection fields: a field whose whole value is {@code ${env:NAME}} takes the
 * server's environment variable NAME when the connection is used, so secrets can live in the
 * deployment's environment instead of the database.
 */
public final class Variables {
    static final Pattern REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    private final Function<String, String> env;

    public Variables(Function<String, String> env) {
        this.env = env;
    }

    public static Variables system() {
        return new Variables(System::getenv);
    }

    public static Variables of(Map<String, String> values) {
        return new Variables(values::get);
    }

    /** The variable's name when {@code value} is a reference. */
    static Optional<String> reference(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher m = REFERENCE.matcher(value.strip());
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** {@code value}, or the variable it names. */
    public String resolve(String field, String value) {
        Optional<String> name = reference(value);
        if (name.isEmpty()) {
            return value;
        }
        String v = env.apply(name.get());
        if (v == null || v.isEmpty()) {
            throw ValidationException.of(
                    field,
                    "The field refers to the environment variable " + name.get()
                            + ", which is not set on the Mailbridge server. Set it and restart, or enter the value.");
        }
        return v;
    }

    public Optional<String> resolve(String field, Optional<String> value) {
        return value.map(v -> resolve(field, v));
    }

    public Secret resolve(String field, Secret value) {
        return reference(value.reveal()).isPresent() ? Secret.of(resolve(field, value.reveal())) : value;
    }

    /** True when {@code value} is a reference to a variable that is set. */
    boolean isSetReference(String value) {
        return reference(value)
                .map(n -> env.apply(n) != null && !env.apply(n).isEmpty())
                .orElse(false);
    }

    /** A message when {@code value} references a variable that is not set; empty otherwise. */
    Optional<String> unsetReference(String value) {
        return reference(value)
                .filter(n -> env.apply(n) == null || env.apply(n).isEmpty())
                .map(n -> "The environment variable " + n + " is not set on the Mailbridge server; set it, or "
                        + "enter the value itself.");
    }
}
