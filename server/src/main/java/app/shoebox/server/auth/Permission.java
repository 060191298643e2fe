package app.shoebox.server.auth;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Immich's API-key permissions, with their wire names (the {@code Permission} enum of Immich's
 * OpenAPI spec). A key holding {@link #ALL} may do everything.
 */
public enum Permission {
    ALL("all"),
    ACTIVITY_CREATE("activity.create"),
    ACTIVITY_READ("activity.read"),
    ACTIVITY_UPDATE("activity.update"),
    ACTIVITY_DELETE("activity.delete"),
    ACTIVITY_STATISTICS("activity.statistics"),
    API_KEY_CREATE("apiKey.create"),
    API_KEY_READ("apiKey.read"),
    API_KEY_UPDATE("apiKey.update"),
    API_KEY_DELETE("apiKey.delete"),
    ASSET_READ("asset.read"),
    ASSET_UPDATE("asset.update"),
    ASSET_DELETE("asset.delete"),
    ASSET_STATISTICS("asset.statistics"),
    ASSET_SHARE("asset.share"),
    ASSET_VIEW("asset.view"),
    ASSET_DOWNLOAD("asset.download"),
    ASSET_UPLOAD("asset.upload"),
    ASSET_COPY("asset.copy"),
    ASSET_DERIVE("asset.derive"),
    ASSET_EDIT_GET("asset.edit.get"),
    ASSET_EDIT_CREATE("asset.edit.create"),
    ASSET_EDIT_DELETE("asset.edit.delete"),
    ALBUM_CREATE("album.create"),
    ALBUM_READ("album.read"),
    ALBUM_UPDATE("album.update"),
    ALBUM_DELETE("album.delete"),
    ALBUM_STATISTICS("album.statistics"),
    ALBUM_SHARE("album.share"),
    ALBUM_DOWNLOAD("album.download"),
    ALBUM_ASSET_CREATE("albumAsset.create"),
    ALBUM_ASSET_DELETE("albumAsset.delete"),
    ALBUM_USER_CREATE("albumUser.create"),
    ALBUM_USER_UPDATE("albumUser.update"),
    ALBUM_USER_DELETE("albumUser.delete"),
    AUTH_CHANGE_PASSWORD("auth.changePassword"),
    AUTH_DEVICE_DELETE("authDevice.delete"),
    ARCHIVE_READ("archive.read"),
    BACKUP_LIST("backup.list"),
    BACKUP_DOWNLOAD("backup.download"),
    BACKUP_UPLOAD("backup.upload"),
    BACKUP_DELETE("backup.delete"),
    DUPLICATE_READ("duplicate.read"),
    DUPLICATE_DELETE("duplicate.delete"),
    FACE_CREATE("face.create"),
    FACE_READ("face.read"),
    FACE_UPDATE("face.update"),
    FACE_DELETE("face.delete"),
    FOLDER_READ("folder.read"),
    JOB_CREATE("job.create"),
    JOB_READ("job.read"),
    LIBRARY_CREATE("library.create"),
    LIBRARY_READ("library.read"),
    LIBRARY_UPDATE("library.update"),
    LIBRARY_DELETE("library.delete"),
    LIBRARY_STATISTICS("library.statistics"),
    TIMELINE_READ("timeline.read"),
    TIMELINE_DOWNLOAD("timeline.download"),
    MAINTENANCE("maintenance"),
    MAP_READ("map.read"),
    MAP_SEARCH("map.search"),
    MEMORY_CREATE("memory.create"),
    MEMORY_READ("memory.read"),
    MEMORY_UPDATE("memory.update"),
    MEMORY_DELETE("memory.delete"),
    MEMORY_STATISTICS("memory.statistics"),
    MEMORY_ASSET_CREATE("memoryAsset.create"),
    MEMORY_ASSET_DELETE("memoryAsset.delete"),
    NOTIFICATION_CREATE("notification.create"),
    NOTIFICATION_READ("notification.read"),
    NOTIFICATION_UPDATE("notification.update"),
    NOTIFICATION_DELETE("notification.delete"),
    PARTNER_CREATE("partner.create"),
    PARTNER_READ("partner.read"),
    PARTNER_UPDATE("partner.update"),
    PARTNER_DELETE("partner.delete"),
    PERSON_CREATE("person.create"),
    PERSON_READ("person.read"),
    PERSON_UPDATE("person.update"),
    PERSON_DELETE("person.delete"),
    PERSON_STATISTICS("person.statistics"),
    PERSON_MERGE("person.merge"),
    PERSON_REASSIGN("person.reassign"),
    PIN_CODE_CREATE("pinCode.create"),
    PIN_CODE_UPDATE("pinCode.update"),
    PIN_CODE_DELETE("pinCode.delete"),
    PLUGIN_CREATE("plugin.create"),
    PLUGIN_READ("plugin.read"),
    PLUGIN_UPDATE("plugin.update"),
    PLUGIN_DELETE("plugin.delete"),
    SERVER_ABOUT("server.about"),
    SERVER_APK_LINKS("server.apkLinks"),
    SERVER_STORAGE("server.storage"),
    SERVER_STATISTICS("server.statistics"),
    SERVER_VERSION_CHECK("server.versionCheck"),
    SERVER_LICENSE_READ("serverLicense.read"),
    SERVER_LICENSE_UPDATE("serverLicense.update"),
    SERVER_LICENSE_DELETE("serverLicense.delete"),
    SESSION_CREATE("session.create"),
    SESSION_READ("session.read"),
    SESSION_UPDATE("session.update"),
    SESSION_DELETE("session.delete"),
    SESSION_LOCK("session.lock"),
    SHARED_LINK_CREATE("sharedLink.create"),
    SHARED_LINK_READ("sharedLink.read"),
    SHARED_LINK_UPDATE("sharedLink.update"),
    SHARED_LINK_DELETE("sharedLink.delete"),
    STACK_CREATE("stack.create"),
    STACK_READ("stack.read"),
    STACK_UPDATE("stack.update"),
    STACK_DELETE("stack.delete"),
    SYNC_STREAM("sync.stream"),
    SYNC_CHECKPOINT_READ("syncCheckpoint.read"),
    SYNC_CHECKPOINT_UPDATE("syncCheckpoint.update"),
    SYNC_CHECKPOINT_DELETE("syncCheckpoint.delete"),
    SYSTEM_CONFIG_READ("systemConfig.read"),
    SYSTEM_CONFIG_UPDATE("systemConfig.update"),
    SYSTEM_METADATA_READ("systemMetadata.read"),
    SYSTEM_METADATA_UPDATE("systemMetadata.update"),
    TAG_CREATE("tag.create"),
    TAG_READ("tag.read"),
    TAG_UPDATE("tag.update"),
    TAG_DELETE("tag.delete"),
    TAG_ASSET("tag.asset"),
    USER_READ("user.read"),
    USER_UPDATE("user.update"),
    USER_LICENSE_CREATE("userLicense.create"),
    USER_LICENSE_READ("userLicense.read"),
    USER_LICENSE_UPDATE("userLicense.update"),
    USER_LICENSE_DELETE("userLicense.delete"),
    USER_ONBOARDING_READ("userOnboarding.read"),
    USER_ONBOARDING_UPDATE("userOnboarding.update"),
    USER_ONBOARDING_DELETE("userOnboarding.delete"),
    USER_PREFERENCE_READ("userPreference.read"),
    USER_PREFERENCE_UPDATE("userPreference.update"),
    USER_PROFILE_IMAGE_CREATE("userProfileImage.create"),
    USER_PROFILE_IMAGE_READ("userProfileImage.read"),
    USER_PROFILE_IMAGE_UPDATE("userProfileImage.update"),
    USER_PROFILE_IMAGE_DELETE("userProfileImage.delete"),
    QUEUE_READ("queue.read"),
    QUEUE_UPDATE("queue.update"),
    QUEUE_JOB_CREATE("queueJob.create"),
    QUEUE_JOB_READ("queueJob.read"),
    QUEUE_JOB_UPDATE("queueJob.update"),
    QUEUE_JOB_DELETE("queueJob.delete"),
    WORKFLOW_CREATE("workflow.create"),
    WORKFLOW_READ("workflow.read"),
    WORKFLOW_UPDATE("workflow.update"),
    WORKFLOW_DELETE("workflow.delete"),
    ADMIN_USER_CREATE("adminUser.create"),
    ADMIN_USER_READ("adminUser.read"),
    ADMIN_USER_UPDATE("adminUser.update"),
    ADMIN_USER_DELETE("adminUser.delete"),
    ADMIN_SESSION_READ("adminSession.read"),
    ADMIN_AUTH_UNLINK_ALL("adminAuth.unlinkAll");

    private static final Map<String, Permission> BY_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Permission::wireName, Function.identity()));

    private final String wireName;

    Permission(String wireName) {
        this.wireName = wireName;
    }

    /** The name clients send and receive, e.g. {@code asset.upload}. */
    public String wireName() {
        return wireName;
    }

    public static Optional<Permission> fromWireName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Every wire name, in the enum's order (as a validation error lists the allowed values). */
    public static java.util.List<String> wireNames() {
        return Arrays.stream(values()).map(Permission::wireName).toList();
    }
}
