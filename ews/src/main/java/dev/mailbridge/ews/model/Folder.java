package dev.mailbridge.ews.model;

/**
 * A folder as returned by GetFolder, FindFolder or SyncFolderHierarchy. {@code kind} is the element's
 * local name (Folder, CalendarFolder, ContactsFolder, TasksFolder, SearchFolder). Counts are -1 when
 * not returned.
 */
public record Folder(
        String kind,
        FolderId id,
        FolderId parentId,
        String folderClass,
        String displayName,
        int totalCount,
        int childFolderCount,
        int unreadCount) {

    /** True for mail folders (FolderClass IPF.Note or none, element Folder). */
    public boolean isMailFolder() {
        return "Folder".equals(kind) && (folderClass == null || folderClass.startsWith("IPF.Note"));
    }
}
