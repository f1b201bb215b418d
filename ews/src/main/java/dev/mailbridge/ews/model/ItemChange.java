package dev.mailbridge.ews.model;

/** One change from SyncFolderItems. */
public sealed interface ItemChange {
    ItemId itemId();

    record Create(Item item) implements ItemChange {
        @Override
        public ItemId itemId() {
            return item.id();
        }
    }

    record Update(Item item) implements ItemChange {
        @Override
        public ItemId itemId() {
            return item.id();
        }
    }

    record Delete(ItemId itemId) implements ItemChange {}

    /** The read flag changed; apply it without fetching the item. */
    record ReadFlagChange(ItemId itemId, boolean isRead) implements ItemChange {}
}
