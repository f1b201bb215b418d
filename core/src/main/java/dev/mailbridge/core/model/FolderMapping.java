package dev.mailbridge.core.model;

/** A mailbox folder chosen for a role; the ID is the transport's (EWS FolderId or Graph id). */
public record FolderMapping(FolderRole role, String folderId, String folderName) {}
