package dev.mailbridge.emulator.exchange;

import dev.mailbridge.emulator.exchange.MailStore.Folder;
import dev.mailbridge.emulator.exchange.MailStore.Item;

/**
 * What the mail store reports as it changes, for EWS notifications. Called under the store's lock,
 * with the item and folder ids as they are at the moment of the change.
 */
interface StoreEvents {
    StoreEvents NONE = new StoreEvents() {};

    /** An item was created in its folder (delivery, save, copy across mailboxes). */
    default void itemCreated(Item item) {}

    /** An item arrived as new mail (after {@link #itemCreated}). */
    default void newMail(Item item) {}

    /** An item left the store: its id and the folder it was in. */
    default void itemDeleted(Item item, String itemId, Folder from) {}

    /** An item's properties (or read state) changed. */
    default void itemModified(Item item) {}

    /** An item moved: its old id and folder, and the item in its new folder. */
    default void itemMoved(String oldId, Folder from, Item item) {}

    /** An item was copied within its mailbox. */
    default void itemCopied(Item source, Item copy) {}

    /** A folder was created. */
    default void folderCreated(Folder folder) {}

    /** A folder's contents or counts changed. */
    default void folderModified(Folder folder) {}

    /** Both listeners, {@code first} first: EWS notifications and Graph's share the store. */
    static StoreEvents both(StoreEvents first, StoreEvents second) {
        return new StoreEvents() {
            @Override
            public void itemCreated(Item item) {
                first.itemCreated(item);
                second.itemCreated(item);
            }

            @Override
            public void newMail(Item item) {
                first.newMail(item);
                second.newMail(item);
            }

            @Override
            public void itemDeleted(Item item, String itemId, Folder from) {
                first.itemDeleted(item, itemId, from);
                second.itemDeleted(item, itemId, from);
            }

            @Override
            public void itemModified(Item item) {
                first.itemModified(item);
                second.itemModified(item);
            }

            @Override
            public void itemMoved(String oldId, Folder from, Item item) {
                first.itemMoved(oldId, from, item);
                second.itemMoved(oldId, from, item);
            }

            @Override
            public void itemCopied(Item source, Item copy) {
                first.itemCopied(source, copy);
                second.itemCopied(source, copy);
            }

            @Override
            public void folderCreated(Folder folder) {
                first.folderCreated(folder);
                second.folderCreated(folder);
            }

            @Override
            public void folderModified(Folder folder) {
                first.folderModified(folder);
                second.folderModified(folder);
            }
        };
    }
}
