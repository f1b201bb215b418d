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
}
