package dev.mailbridge.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/**
 * Where a command's results go: lines for people by default, JSON for scripts with {@code --json} (one
 * document, or one object per line for streams). Results go to standard output; prompts, progress and
 * problems to standard error, so {@code mailbridge folders --json | jq} sees only JSON.
 */
final class Output {
    static final ObjectMapper JSON = JsonMapper.builder().build();

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    Output(PrintWriter out, PrintWriter err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    PrintWriter err() {
        return err;
    }

    /** A result line for people (nothing in JSON mode). */
    void line(String text) {
        if (!json) {
            out.println(text);
            out.flush();
        }
    }

    /** A note for people on standard error (nothing in JSON mode). */
    void note(String text) {
        if (!json) {
            err.println(text);
            err.flush();
        }
    }

    /** A JSON document (JSON mode only). */
    void json(Object value) {
        if (json) {
            out.println(write(value));
            out.flush();
        }
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static ArrayNode array() {
        return JSON.createArrayNode();
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A problem on standard error: the message, what to do, and in JSON mode an object scripts can read. */
    void problem(Problem p) {
        if (json) {
            ObjectNode o = object();
            ObjectNode e = o.putObject("error");
            e.put("message", p.message());
            e.put("fix", p.fix());
            p.code().ifPresent(c -> e.put("code", c));
            e.put("exitCode", p.exitCode());
            err.println(write(o));
        } else {
            err.println("mailbridge: " + p.message());
            if (p.fix() != null && !p.fix().isBlank()) {
                err.println("  What to do: " + p.fix());
            }
        }
        err.flush();
    }
}
