/**
 * The bulk uploader's library: {@code api} speaks HTTP to a Shoebox or Immich server,
 * {@code sources} turn folders and Takeout archives into groups of files, {@code upload} is the one
 * pipeline every source feeds, {@code state} keeps the hash cache and the journal on disk, and
 * {@code queues} pauses and watches the server's background queues. Never imports server code.
 */
package app.shoebox.client;
