package dev.mailbridge.ews.model;

/** One change from SyncFolderHierarchy. */
public sealed interface FolderChange {
    FolderId folderId();

    record Create(Folder folder) implements FolderChange {
        @Override
        public FolderId folderId() {
            return folder.id();
        }
    }

    record Update(Folder folder) implements FolderChange {
        @Override
        public FolderId folderId() {
            return folder.id();
        }
    }

    record Delete(FolderId folderId) implements FolderChange {}
}
