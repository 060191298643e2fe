/**
 * Assets: the originals in the library and their catalogue rows, behind Immich's
 * {@code /api/assets/*} and {@code /api/search/metadata}.
 *
 * <p>Where an upload goes: {@link app.shoebox.server.assets.AssetRoutes} (HTTP, the early
 * {@code x-immich-checksum} answer) -> {@link app.shoebox.server.assets.UploadService} ->
 * {@code UploadStream} (the multipart body streamed to {@code library/tmp}, hashed) -> type check
 * ({@link app.shoebox.media.FileType}) -> {@link app.shoebox.server.assets.AssetFiles} (fsync,
 * atomic rename to {@code library/upload/<owner>/<aa>/<bb>/<id>.<ext>}) -> one transaction
 * inserting the row and running the {@link app.shoebox.server.assets.AssetCreatedHook}.
 *
 * <p>Reading, editing, trash and search: {@link app.shoebox.server.assets.AssetService}, its SQL
 * in {@code AssetRepository} and {@code MetadataSearch}. Every query is scoped to the caller, so
 * another user's asset is "not found".
 */
package app.shoebox.server.assets;
