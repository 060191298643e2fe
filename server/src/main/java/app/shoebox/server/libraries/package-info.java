/**
 * External libraries: folders of photos indexed in place. An admin gives a user a library with
 * import paths and exclusion patterns; a scan is a chain of jobs on the {@code library} queue
 * (walk chunks that each enqueue batches of paths, then an offline check over the library's
 * assets) so it streams, pauses, resumes and survives a crash. The originals are never moved,
 * written or deleted.
 */
package app.shoebox.server.libraries;
