package dev.mailbridge.server.web;

import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.User;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import java.util.Locale;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Who may see what: admins everything; a mailbox owner only the mailboxes assigned to them (by owner
 * or by their account's mailbox address). Anything else looks like it does not exist.
 */
@Component
class Access {
    private final Stores stores;

    Access(Stores stores) {
        this.stores = stores;
    }

    void requireAdmin() {
        if (!Pages.isAdmin()) {
            throw new NotFoundException("page", new UUID(0, 0));
        }
    }

    Mailbox mailbox(UUID id) {
        Mailbox m = stores.mailboxes().get(id).orElseThrow(() -> new NotFoundException("mailbox", id));
        if (Pages.isAdmin() || owns(m)) {
            return m;
        }
        throw new NotFoundException("mailbox", id);
    }

    boolean owns(Mailbox m) {
        User u = stores.users().byUsername(Pages.actor()).orElse(null);
        if (u == null || u.disabled()) {
            return false;
        }
        return m.ownerUserId().map(o -> o.equals(u.id())).orElse(false)
                || u.mailboxAddress()
                        .map(a -> a.toLowerCase(Locale.ROOT).equals(m.address().toLowerCase(Locale.ROOT)))
                        .orElse(false);
    }
}
