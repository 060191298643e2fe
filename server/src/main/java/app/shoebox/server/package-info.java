/** Module server. */
package app.shoebox.server;
