package dev.mailbridge.server.web;

import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.message.MessageParseException;
import dev.mailbridge.core.message.MimeParser;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.rules.Decision;
import dev.mailbridge.core.rules.Rule;
import dev.mailbridge.core.rules.RuleDraft;
import dev.mailbridge.core.store.Stores;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A mailbox's rules: the list in the order they are tried, a form to add or edit one (every problem
 * shown at its field; nothing saved until all are fixed), delete, and "test the rules" on a pasted header
 * block. Whoever may see the mailbox may change its rules.
 */
@Controller
class RulesController {
    /** The form: lists as one entry per line. */
    public static final class RuleForm {
        private String name = "";
        private Integer order;
        private String senderPattern = "";
        private String recipientPattern = "";
        private String subjectPattern = "";
        private String headerName = "";
        private String headerPattern = "";
        private String ignoredSenders = "";
        private String acceptedDomains = "";
        private boolean allowAutomatic;
        private boolean skipOwnMail = true;
        private String label = "";

        static RuleForm of(Rule r) {
            RuleForm f = new RuleForm();
            f.name = r.name();
            f.order = r.order();
            f.senderPattern = nz(r.senderPattern());
            f.recipientPattern = nz(r.recipientPattern());
            f.subjectPattern = nz(r.subjectPattern());
            f.headerName = nz(r.headerName());
            f.headerPattern = nz(r.headerPattern());
            f.ignoredSenders = String.join("\n", r.ignoredSenders());
            f.acceptedDomains = String.join("\n", r.acceptedDomains());
            f.allowAutomatic = r.allowAutomatic();
            f.skipOwnMail = r.skipOwnMail();
            f.label = nz(r.label());
            return f;
        }

        RuleDraft draft() {
            return new RuleDraft(
                    name,
                    order,
                    senderPattern,
                    recipientPattern,
                    subjectPattern,
                    headerName,
                    headerPattern,
                    lines(ignoredSenders),
                    lines(acceptedDomains),
                    allowAutomatic,
                    skipOwnMail,
                    label);
        }

        private static List<String> lines(String s) {
            return s == null ? List.of() : Arrays.asList(s.split("\\R"));
        }

        private static String nz(String s) {
            return s == null ? "" : s;
        }

        public String getName() {
            return name;
        }

        public void setName(String v) {
            name = v;
        }

        public Integer getOrder() {
            return order;
        }

        public void setOrder(Integer v) {
            order = v;
        }

        public String getSenderPattern() {
            return senderPattern;
        }

        public void setSenderPattern(String v) {
            senderPattern = v;
        }

        public String getRecipientPattern() {
            return recipientPattern;
        }

        public void setRecipientPattern(String v) {
            recipientPattern = v;
        }

        public String getSubjectPattern() {
            return subjectPattern;
        }

        public void setSubjectPattern(String v) {
            subjectPattern = v;
        }

        public String getHeaderName() {
            return headerName;
        }

        public void setHeaderName(String v) {
            headerName = v;
        }

        public String getHeaderPattern() {
            return headerPattern;
        }

        public void setHeaderPattern(String v) {
            headerPattern = v;
        }

        public String getIgnoredSenders() {
            return ignoredSenders;
        }

        public void setIgnoredSenders(String v) {
            ignoredSenders = v;
        }

        public String getAcceptedDomains() {
            return acceptedDomains;
        }

        public void setAcceptedDomains(String v) {
            acceptedDomains = v;
        }

        public boolean isAllowAutomatic() {
            return allowAutomatic;
        }

        public void setAllowAutomatic(boolean v) {
            allowAutomatic = v;
        }

        public boolean isSkipOwnMail() {
            return skipOwnMail;
        }

        public void setSkipOwnMail(boolean v) {
            skipOwnMail = v;
        }

        public String getLabel() {
            return label;
        }

        public void setLabel(String v) {
            label = v;
        }
    }

    private final Access access;
    private final Stores stores;
    private final MimeParser parser;

    RulesController(Access access, Stores stores, MimeParser parser) {
        this.access = access;
        this.stores = stores;
        this.parser = parser;
    }

    @GetMapping("/mailboxes/{id}/rules")
    String show(@PathVariable UUID id, @RequestParam(required = false) Integer edit, Model model) {
        Mailbox m = access.mailbox(id);
        List<Rule> rules = stores.rules().list(id);
        if (!model.containsAttribute("form")) {
            boolean editing = edit != null && edit >= 0 && edit < rules.size();
            model.addAttribute("form", editing ? RuleForm.of(rules.get(edit)) : new RuleForm());
            model.addAttribute("editing", editing ? edit : null);
        }
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", Map.of());
        }
        model.addAttribute("mailbox", m);
        model.addAttribute("rules", rules);
        return "rules";
    }

    /** Saves the form as rule {@code index} (absent: a new rule at the end). */
    @PostMapping("/mailboxes/{id}/rules")
    String save(
            @PathVariable UUID id,
            @RequestParam(required = false) Integer index,
            @ModelAttribute("form") RuleForm form,
            Model model,
            RedirectAttributes flash) {
        Mailbox m = access.mailbox(id);
        List<Rule> current = stores.rules().list(id);
        boolean editing = index != null && index >= 0 && index < current.size();
        int at = editing ? index : current.size();
        List<RuleDraft> drafts =
                new ArrayList<>(current.stream().map(RuleDraft::of).toList());
        if (editing) {
            drafts.set(at, form.draft());
        } else {
            drafts.add(form.draft());
        }
        RuleDraft.Checked checked = RuleDraft.check(drafts);
        if (!checked.valid()) {
            Map<String, String> errors = new LinkedHashMap<>();
            String prefix = "rules[" + at + "].";
            for (FieldError e : checked.problems()) {
                String field = e.field().startsWith(prefix) ? e.field().substring(prefix.length()) : "name";
                errors.merge(field.replaceAll("\\[\\d+]$", ""), e.message(), (a, b) -> a + " " + b);
            }
            model.addAttribute("errors", errors);
            model.addAttribute("editing", editing ? at : null);
            model.addAttribute(
                    "notice",
                    Pages.Notice.error(
                            "The rule was not saved: " + errors.size() + " field(s) need attention.",
                            "Correct the fields marked below and save again."));
            return show(id, null, model);
        }
        stores.rules().replace(id, checked.rules());
        stores.audit()
                .record(
                        Pages.actor(),
                        "mailbox.rules",
                        "mailbox/" + id,
                        m.address() + ": " + checked.rules().size() + " rule(s)");
        flash.addFlashAttribute(
                "notice", Pages.Notice.ok("Rule \"" + form.getName().strip() + "\" saved."));
        return "redirect:/mailboxes/" + id + "/rules";
    }

    @PostMapping("/mailboxes/{id}/rules/{index}/delete")
    String delete(@PathVariable UUID id, @PathVariable int index, RedirectAttributes flash) {
        Mailbox m = access.mailbox(id);
        List<Rule> rules = new ArrayList<>(stores.rules().list(id));
        if (index < 0 || index >= rules.size()) {
            flash.addFlashAttribute(
                    "notice", Pages.Notice.error("That rule is not there any more.", "Reload the page."));
            return "redirect:/mailboxes/" + id + "/rules";
        }
        Rule gone = rules.remove(index);
        stores.rules().replace(id, rules);
        stores.audit()
                .record(Pages.actor(), "mailbox.rules", "mailbox/" + id, m.address() + ": deleted " + gone.name());
        flash.addFlashAttribute("notice", Pages.Notice.ok("Rule \"" + gone.name() + "\" deleted."));
        return "redirect:/mailboxes/" + id + "/rules";
    }

    /** Tries the stored rules on a pasted header block (or whole message). */
    @PostMapping("/mailboxes/{id}/rules/test")
    String test(@PathVariable UUID id, @RequestParam(defaultValue = "") String sample, Model model) throws IOException {
        Mailbox m = access.mailbox(id);
        String text = sample.replace("\r\n", "\n").replace("\n", "\r\n");
        if (sample.isBlank()) {
            model.addAttribute("errors", Map.of("sample", "Paste a message's headers, like From: and Subject: lines."));
        } else {
            if (!text.contains("\r\n\r\n")) {
                text = text.stripTrailing() + "\r\n\r\n";
            }
            try {
                Decision d = stores.rules()
                        .ruleSet(id)
                        .evaluate(parser.parse(
                                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), m.address(), null));
                model.addAttribute("decision", d);
            } catch (MessageParseException e) {
                model.addAttribute(
                        "errors", Map.of("sample", "This could not be read as a message: " + e.getMessage()));
            }
        }
        model.addAttribute("sample", sample);
        return show(id, null, model);
    }
}
