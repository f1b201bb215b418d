package dev.mailbridge.server.web;

import dev.mailbridge.core.store.NotFoundException;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.server.ResponseStatusException;

/** Friendly error pages for the web UI: what happened in plain words, never a stack trace. */
@ControllerAdvice(basePackageClasses = WebErrors.class)
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE)
class WebErrors {
    private static final Logger log = LoggerFactory.getLogger(WebErrors.class);

    @ExceptionHandler(NotFoundException.class)
    String notFound(NotFoundException e, Model model, HttpServletResponse response) {
        response.setStatus(404);
        model.addAttribute("status", 404);
        model.addAttribute("title", "Not found");
        model.addAttribute("message", "There is nothing here, or it was deleted.");
        return "error";
    }

    @ExceptionHandler(ResponseStatusException.class)
    String status(ResponseStatusException e, Model model, HttpServletResponse response) {
        int code = e.getStatusCode().value();
        response.setStatus(code);
        model.addAttribute("status", code);
        model.addAttribute("title", code == 404 ? "Not found" : "Request refused");
        model.addAttribute("message", code == 404 ? "There is nothing here." : "This request cannot be handled.");
        return "error";
    }

    @ExceptionHandler({
        org.springframework.web.bind.MissingServletRequestParameterException.class,
        org.springframework.web.method.annotation.MethodArgumentTypeMismatchException.class
    })
    String badRequest(Exception e, Model model, HttpServletResponse response) {
        response.setStatus(400);
        model.addAttribute("status", 400);
        model.addAttribute("title", "Request refused");
        model.addAttribute("message", "The form was incomplete or a value had the wrong form; go back and try again.");
        return "error";
    }

    @ExceptionHandler(Exception.class)
    String unexpected(Exception e, Model model, HttpServletResponse response) {
        // The message may name hosts or paths but never secrets; the stack trace stays in the log only.
        log.warn("web request failed: {}", e.toString());
        log.debug("web request failure", e);
        response.setStatus(500);
        model.addAttribute("status", 500);
        model.addAttribute("title", "Something went wrong");
        model.addAttribute(
                "message",
                "Mailbridge could not finish this request. Nothing more was changed; try again, "
                        + "and if it keeps happening, look at the server log.");
        return "error";
    }
}
