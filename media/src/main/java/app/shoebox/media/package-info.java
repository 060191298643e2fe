/** Module media. */
package app.shoebox.media;
