package dev.mailbridge.server.web;

import java.util.List;

/**
 * A guide panel at the top of the administrator's home page, shown when a bean of this type exists. The
 * demo ({@code ./mailbridge demo}) contributes one with its first steps; a normal server has none, so it
 * never shows links to pages that only the demo serves.
 */
public interface HomeGuide {
    /**
     * One step of the guide.
     *
     * @param title what to do, in a few words
     * @param text how, in a sentence (user names, passwords of the emulated tenant)
     * @param href where to do it (a path on this server)
     * @param linkText the link's text
     * @param done whether the step has been done already
     */
    record Step(String title, String text, String href, String linkText, boolean done) {}

    /** The panel's heading. */
    String title();

    /** The steps, in order, computed when the home page is shown. */
    List<Step> steps();
}
